/**
 * Compose variable interpolation: `${VAR}`, `$VAR`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?message}`, `${VAR?message}`, `${VAR:+replacement}`, `${VAR+replacement}` and `$$` for a
 * literal `$`, in every string value (not in keys), as `docker compose config` does.
 */
import type { PathSegment } from "../diagnostics.ts";

export type Variables = Readonly<Record<string, string | undefined>>;

export interface InterpolationProblem {
  path: PathSegment[];
  severity: "error" | "warning";
  message: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** One string; problems are reported through `problem` (a required variable unset is an error). */
export function interpolateString(text: string, vars: Variables, problem: (severity: "error" | "warning", message: string) => void): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c !== "$") {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === "$") {
      out += "$";
      i += 2;
    } else if (next === "{") {
      const end = closingBrace(text, i + 2);
      if (end === -1) {
        problem("error", `unclosed "\${" in ${JSON.stringify(text)}; close it with "}" or write "$$" for a literal "$"`);
        return text;
      }
      out += expand(text.slice(i + 2, end), vars, problem);
      i = end + 1;
    } else {
      const name = NAME.exec(text.slice(i + 1))?.[0];
      if (!name) {
        out += "$";
        i++;
        continue;
      }
      out += lookup(name, vars, problem);
      i += 1 + name.length;
    }
  }
  return out;
}

/** The index of the "}" closing a "${" whose body starts at `from` (defaults may hold nested ${...}). */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let j = from; j < text.length; j++) {
    if (text[j] === "$" && text[j + 1] === "{") {
      depth++;
      j++;
    } else if (text[j] === "}" && --depth === 0) return j;
  }
  return -1;
}

function lookup(name: string, vars: Variables, problem: (severity: "error" | "warning", message: string) => void): string {
  const value = vars[name];
  if (value === undefined) {
    problem("warning", `variable ${name} is not set; an empty string is used (set it in .env or your shell)`);
    return "";
  }
  return value;
}

function expand(body: string, vars: Variables, problem: (severity: "error" | "warning", message: string) => void): string {
  const name = NAME.exec(body)?.[0];
  if (!name) {
    problem("error", `"\${${body}}" is not a variable reference; write "$$" for a literal "$"`);
    return "";
  }
  const rest = body.slice(name.length);
  if (rest === "") return lookup(name, vars, problem);
  const m = /^(:?)([-?+])([\s\S]*)$/.exec(rest);
  if (!m) {
    problem("error", `"\${${body}}": unknown modifier ${JSON.stringify(rest)}; use :-, -, :?, ?, :+ or +`);
    return "";
  }
  const [, colon, op, arg = ""] = m;
  const value = vars[name];
  // With ":" an empty value counts as unset.
  const set = colon ? value !== undefined && value !== "" : value !== undefined;
  const inner = () => interpolateString(arg, vars, problem);
  if (op === "-") return set ? value! : inner();
  if (op === "+") return set ? inner() : "";
  if (!set) problem("error", `required variable ${name} is ${value === undefined ? "not set" : "empty"}${arg ? `: ${inner()}` : ""}; set it in .env or your shell`);
  return value ?? "";
}

/** Interpolates every string value of a parsed compose document (keys stay as written); returns a new value. */
export function interpolateTree(value: unknown, vars: Variables, problems: InterpolationProblem[], path: PathSegment[] = []): unknown {
  if (typeof value === "string") {
    return value.includes("$") ? interpolateString(value, vars, (severity, message) => problems.push({ path, severity, message })) : value;
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolateTree(v, vars, problems, [...path, i]));
  if (value !== null && typeof value === "object") {
    // Extension fields (x-*) are templates for anchors; their uses are interpolated where they land.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, path.length === 0 && k.startsWith("x-") ? v : interpolateTree(v, vars, problems, [...path, k])]));
  }
  return value;
}
