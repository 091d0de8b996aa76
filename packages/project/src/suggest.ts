// One "did you mean" for the spec and the command line: it lives in @devup/errors (which the CLI loads without the spec's dependencies).
export { didYouMean } from "@devup/errors";

export function quoteList(items: readonly string[]): string {
  return items.map((i) => JSON.stringify(i)).join(", ");
}
