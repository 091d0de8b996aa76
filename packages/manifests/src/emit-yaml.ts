/**
 * A small YAML emitter for plain data (maps, lists, strings, numbers, booleans, null), the shape of
 * every Kubernetes object devup renders. It exists for speed: the `yaml` library's general
 * stringify spent ~0.4 ms per object, most of a 200-service render. Output is block-style YAML that
 * both YAML 1.2 (the `yaml` library) and YAML 1.1 readers (kubectl) parse back to the same data;
 * strings that could read as anything else are double-quoted (JSON string syntax is valid YAML).
 * A round-trip test holds it to that.
 */

const YAML11_WORDS = /^(?:y|n|yes|no|on|off|true|false|null)$/i;
const PLAIN = /^[A-Za-z_/][\w./:@%+=-]*$/;

function scalarString(s: string): string {
  return PLAIN.test(s) && !s.endsWith(":") && !YAML11_WORDS.test(s) && !s.includes("://") ? s : JSON.stringify(s);
}

/** A multi-line string as a literal block (`|`), when that keeps it byte-exact; else undefined. */
// Control characters (other than newline), which a literal block cannot carry byte-exact.
// eslint-disable-next-line no-control-regex
const NOT_LITERAL = /[\r\t\0-\x08\x0b-\x1f\x7f\u2028\u2029\ufeff]/;

function literalBlock(s: string, indent: string): string | undefined {
  if (!s.includes("\n") || NOT_LITERAL.test(s) || /^[ ]/.test(s) || /^\n/.test(s)) return undefined;
  const trailing = /\n*$/.exec(s)![0].length;
  const chomp = trailing === 0 ? "-" : trailing === 1 ? "" : "+";
  const body = trailing === 0 ? s : s.slice(0, -1);
  const lines = body.split("\n").map((line) => (line === "" ? "" : indent + line));
  return `|${chomp}\n${lines.join("\n")}`;
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return scalarString(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new Error(`cannot write ${typeof value} as YAML`);
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

function emitValue(value: unknown, indent: string, out: string[], prefix: string): void {
  if (Array.isArray(value)) {
    if (value.length === 0) return void out.push(`${prefix} []`);
    out.push(prefix);
    emitList(value, `${indent}  `, out);
  } else if (isMap(value)) {
    if (Object.keys(value).length === 0) return void out.push(`${prefix} {}`);
    out.push(prefix);
    emitMap(value, `${indent}  `, out);
  } else if (typeof value === "string" && value.includes("\n")) {
    const block = literalBlock(value, `${indent}  `);
    out.push(`${prefix} ${block ?? JSON.stringify(value)}`);
  } else {
    out.push(`${prefix} ${scalar(value)}`);
  }
}

function emitMap(map: Record<string, unknown>, indent: string, out: string[]): void {
  for (const [key, value] of Object.entries(map)) {
    if (value === undefined) continue;
    emitValue(value, indent, out, `${indent}${scalarString(key)}:`);
  }
}

function emitList(list: readonly unknown[], indent: string, out: string[]): void {
  for (const item of list) {
    if (isMap(item) && Object.keys(item).length > 0) {
      // "- first: x" then the rest of the map aligned under "first".
      const start = out.length;
      emitMap(item, `${indent}  `, out);
      out[start] = `${indent}- ${out[start]!.slice(indent.length + 2)}`;
    } else if (Array.isArray(item) && item.length > 0) {
      out.push(`${indent}-`);
      emitList(item, `${indent}  `, out);
    } else {
      const lines: string[] = [];
      emitValue(item, `${indent}  `, lines, `${indent}-`);
      out.push(...lines);
    }
  }
}

/** A YAML document (no leading `---`) for a map of plain data, ending with a newline. */
export function emitYaml(value: Record<string, unknown>): string {
  const out: string[] = [];
  emitMap(value, "", out);
  return `${out.join("\n")}\n`;
}
