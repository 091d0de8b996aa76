/** YAML files with source positions: parse once, then map any path in the document to a line and column. */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import type { Diagnostic, PathSegment } from "./diagnostics.ts";

export interface SourceFile {
  /** Path relative to the project root, "/"-separated. */
  path: string;
  text: string;
}

export interface ParsedFile {
  file: SourceFile;
  doc: Document.Parsed;
  lines: LineCounter;
  /** The plain JavaScript value of the document (undefined for an empty file). */
  value: unknown;
}

/**
 * yaml's budget for nodes reached through aliases. Real files with anchors on every service pass
 * (a 57-service compose file reaches a few hundred); an exponential alias bomb exceeds it at once.
 */
const MAX_ALIAS_COUNT = 10_000;

export function parseYaml(file: SourceFile): { parsed: ParsedFile | undefined; errors: Diagnostic[] } {
  const lines = new LineCounter();
  // merge: YAML 1.1 merge keys (`<<: *defaults`), which compose files and hand-written specs use.
  const doc = parseDocument(file.text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((e): Diagnostic => {
      const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
      return {
        severity: "error",
        file: file.path,
        line: pos.line,
        column: pos.col,
        path: "",
        message: `YAML syntax: ${e.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "")} (check the indentation and the ": " after each key)`,
      };
    });
    return { parsed: undefined, errors };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // yaml throws a ReferenceError when aliases expand past the budget (an "alias bomb").
    if (!(error instanceof ReferenceError)) throw error;
    const message = `YAML aliases expand too much (more than ${MAX_ALIAS_COUNT} nodes through *aliases): ${error.message}; expand the repeated parts by hand or use fewer nested anchors`;
    return { parsed: undefined, errors: [{ severity: "error", file: file.path, line: 1, column: 1, path: "", message }] };
  }
  return { parsed: { file, doc, lines, value }, errors: [] };
}

export interface Position {
  line: number;
  column: number;
}

/**
 * The position of the node at `path`, or of its nearest existing ancestor when the path does not
 * exist (a missing key points at the map that should hold it). With `key: true` the position is
 * that of the last segment's key rather than its value.
 */
export function locate(parsed: ParsedFile, path: readonly PathSegment[], options: { key?: boolean } = {}): Position {
  let node: unknown = parsed.doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      if (last && options.key) {
        offset = rangeStart(pair.key) ?? offset;
        break;
      }
      node = pair.value;
      offset = rangeStart(node) ?? rangeStart(pair.key) ?? offset;
    } else if (isSeq(node) && typeof segment === "number") {
      const item: unknown = node.items[segment];
      if (item === undefined) break;
      node = item;
      offset = rangeStart(node) ?? offset;
    } else {
      break;
    }
  }
  const pos = parsed.lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function rangeStart(node: unknown): number | undefined {
  if (node && typeof node === "object" && "range" in node) {
    const range = (node as { range?: [number, number, number] | null }).range;
    if (range) return range[0];
  }
  return undefined;
}

/** The value at `path` in a plain JS value (undefined when any step is missing). */
export function valueAt(value: unknown, path: readonly PathSegment[]): unknown {
  let v = value;
  for (const s of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PathSegment, unknown>)[s];
  }
  return v;
}
