/** Validation results: every problem with its file, line, column and path in the document. */

export type Severity = "error" | "warning";

export interface Diagnostic {
  severity: Severity;
  /** File path relative to the project root, with "/" separators. */
  file: string;
  line: number;
  column: number;
  /** Where in the spec, e.g. `services.users.ports[0].port` ("" for the whole file). */
  path: string;
  message: string;
}

export interface ValidationResult<T> {
  /** Present only when there are no errors. */
  value: T | undefined;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.path ? `${d.path}: ` : ""}${d.message}`;
}

export type PathSegment = string | number;

const plainKey = /^[A-Za-z_$][\w$-]*$/;

/** `["services", "users", "ports", 0, "port"]` → `services.users.ports[0].port` */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else if (plainKey.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return list.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.message.localeCompare(b.message));
}
