/** Where a piece of the spec came from, so any check can point at file:line:column and a spec path. */
import { formatPath, type Diagnostic, type PathSegment, type Severity } from "./diagnostics.ts";
import { locate, type ParsedFile } from "./source.ts";

export interface Origin {
  parsed: ParsedFile;
  /** Path of this piece inside its YAML document. */
  docPath: PathSegment[];
  /** Path of this piece in the whole spec, as users read it (`services.users`). */
  displayPath: PathSegment[];
}

export function diagnosticAt(
  origin: Origin,
  relative: readonly PathSegment[],
  message: string,
  options: { severity?: Severity; key?: boolean } = {},
): Diagnostic {
  const pos = locate(origin.parsed, [...origin.docPath, ...relative], { key: options.key ?? false });
  return {
    severity: options.severity ?? "error",
    file: origin.parsed.file.path,
    line: pos.line,
    column: pos.column,
    path: formatPath([...origin.displayPath, ...relative]),
    message,
  };
}
