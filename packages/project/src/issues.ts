/** Turns zod's issues into diagnostics users can act on: position, spec path, what is wrong, what to do. */
import type { z } from "./zod.ts";
import type { Diagnostic, PathSegment } from "./diagnostics.ts";
import { diagnosticAt, type Origin } from "./origin.ts";
import { valueAt } from "./source.ts";
import { didYouMean, quoteList } from "./suggest.ts";

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

/** Describe a value for a message: `a string ("http")`, `a number (80)`, `a list`, `a map`. */
function describeValue(value: unknown): string {
  if (value === null) return "an empty value";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "string":
      // A binary file or a huge scalar must not turn into a megabyte-long message.
      return `a string (${JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)})`;
    case "number":
      return `a number (${value})`;
    case "boolean":
      return `a boolean (${value})`;
    case "object":
      return "a map";
    default:
      return typeof value;
  }
}

const typeNames: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "a boolean (true or false)",
  object: "a map (key: value lines)",
  array: "a list (lines starting with \"- \")",
  record: "a map (key: value lines)",
};

/** Per-parse error map: friendly defaults for issues whose schema gave no message of its own. */
export const friendlyErrors = (issue: z.core.$ZodRawIssue): string | undefined => {
  switch (issue.code) {
    case "invalid_type":
      return `expected ${typeNames[issue.expected] ?? issue.expected}`;
    case "too_small":
      if (issue.origin === "array") return `needs at least ${issue.minimum as number} item${issue.minimum === 1 ? "" : "s"}`;
      if (issue.origin === "string") return issue.minimum === 1 ? "must not be empty" : `must be at least ${issue.minimum as number} characters`;
      return `must be at least ${issue.minimum as number}`;
    case "too_big":
      if (issue.origin === "string") return `must be at most ${issue.maximum as number} characters`;
      return `must be at most ${issue.maximum as number}`;
    case "invalid_value":
      return `must be one of ${quoteList(issue.values.map(String))}`;
    default:
      return undefined;
  }
};

/** The keys an object schema at `path` allows (for "did you mean"). */
function knownKeys(schema: AnySchema, path: readonly PathSegment[]): string[] {
  const found = new Set<string>();
  const visit = (s: AnySchema, rest: readonly PathSegment[]): void => {
    const def = s._zod.def as unknown as Record<string, unknown> & { type: string };
    switch (def.type) {
      case "optional":
      case "nullable":
      case "default":
      case "prefault":
      case "readonly":
      case "nonoptional":
        return visit(def.innerType as AnySchema, rest);
      case "pipe":
        return visit(def.in as AnySchema, rest);
      case "union":
        for (const o of def.options as AnySchema[]) visit(o, rest);
        return;
      case "object": {
        const shape = def.shape as Record<string, AnySchema>;
        if (rest.length === 0) for (const k of Object.keys(shape)) found.add(k);
        else {
          const next = shape[String(rest[0])];
          if (next) visit(next, rest.slice(1));
        }
        return;
      }
      case "record":
        if (rest.length > 0) visit(def.valueType as AnySchema, rest.slice(1));
        return;
      case "array":
        if (rest.length > 0) visit(def.element as AnySchema, rest.slice(1));
        return;
      default:
        return;
    }
  };
  visit(schema, path);
  return [...found].sort();
}

/** Diagnostics for one zod parse of the document fragment at `origin`. */
export function issuesToDiagnostics(issues: readonly Issue[], origin: Origin, value: unknown, schema: AnySchema): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of issues) {
    const path = issue.path as PathSegment[];
    if (issue.code === "unrecognized_keys") {
      const allowed = knownKeys(schema, path);
      for (const key of issue.keys) {
        const guess = didYouMean(key, allowed);
        const message = guess
          ? `unknown key ${JSON.stringify(key)}; did you mean ${JSON.stringify(guess)}?`
          : `unknown key ${JSON.stringify(key)}; allowed keys here: ${allowed.join(", ")}`;
        out.push(diagnosticAt(origin, [...path, key], message, { key: true }));
      }
      continue;
    }
    if (issue.code === "invalid_key") {
      // A map key the key schema refused (e.g. an env name): say which key and why, at the key.
      const key = String(path[path.length - 1]);
      const why = issue.issues.map((i) => i.message).join("; ");
      out.push(diagnosticAt(origin, path, `invalid key ${JSON.stringify(key)}: ${why}`, { key: true }));
      continue;
    }
    const here = valueAt(value, path);
    const parentValue = valueAt(value, path.slice(0, -1));
    const missing = here === undefined && path.length > 0 && parentValue !== null && typeof parentValue === "object" && !Array.isArray(parentValue);
    if (missing) {
      const key = String(path[path.length - 1]);
      out.push(diagnosticAt(origin, path, `missing required key ${JSON.stringify(key)}`));
      continue;
    }
    let message = issue.message;
    if (issue.code === "invalid_value" && typeof here === "string") {
      const guess = didYouMean(here, issue.values.map(String));
      message += `, got ${JSON.stringify(here)}${guess ? `; did you mean ${JSON.stringify(guess)}?` : ""}`;
    } else if (here !== undefined && !message.includes(", got ")) {
      message += `, got ${describeValue(here)}`;
    }
    out.push(diagnosticAt(origin, path, message));
  }
  return out;
}
