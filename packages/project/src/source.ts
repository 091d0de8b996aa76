/** YAML files with source positions: parse once, then map any path in the document to a line and column. */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, YAMLParseError, type Document, type Pair, type YAMLMap } from "./yaml.ts";
import type { Diagnostic, PathSegment } from "./diagnostics.ts";
import { fastValue } from "./fast-parse.ts";

export interface SourceFile {
  /** Path relative to the project root, "/"-separated. */
  path: string;
  text: string;
  /** Set when the file could not be read as text (too large, binary, UTF-16...): why, in words. */
  problem?: string | undefined;
}

export interface ParsedFile {
  file: SourceFile;
  /** The document with source ranges: parsed on first use when the file was read by the fast path. */
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
  /** The plain JavaScript value of the document (undefined for an empty file). */
  value: unknown;
}

/**
 * yaml's budget for nodes reached through aliases. Real files with anchors on every service pass
 * (a 57-service compose file reaches a few hundred); an exponential alias bomb exceeds it at once.
 */
const MAX_ALIAS_COUNT = 10_000;

/**
 * Spec and compose files larger than this are refused before they are parsed: parsing costs
 * about 2 s and 300 MB per MiB, and a real dev.yaml, service.yaml or compose file is a few KiB
 * (large compose files of real projects are under 50 KiB).
 */
const MAX_SOURCE_BYTES = 256 * 1024;

/** Nesting deeper than this is refused before parsing (the parser and toJS recurse per level). */
export const MAX_NESTING = 100;

export function parseYaml(file: SourceFile): { parsed: ParsedFile | undefined; errors: Diagnostic[] } {
  const fail = (message: string, line = 1, column = 1) => ({ parsed: undefined, errors: [{ severity: "error" as const, file: file.path, line, column, path: "", message }] });
  if (file.problem) return fail(file.problem);
  if (file.text.length > MAX_SOURCE_BYTES) return fail(tooLarge(file.text.length));
  const deep = tooDeep(file.text);
  if (deep) return fail(`YAML nesting deeper than ${MAX_NESTING} levels; real spec and compose files need a handful (is this the right file?)`, deep.line, deep.column);
  const fast = fastValue(file.text, MAX_NESTING);
  if (fast) return { parsed: withLazyPositions(file, fast.value), errors: [] };
  return parseWithPositions(file);
}

/** A fast-parsed file whose Document (for positions and the text as written) is parsed when first asked for. */
function withLazyPositions(file: SourceFile, value: unknown): ParsedFile {
  let full: ParsedFile | undefined;
  const positions = (): ParsedFile => {
    full ??= parseWithPositions(file).parsed;
    // The fast path takes only files yaml reads without an error (fast-parse.test.ts).
    if (!full) throw new Error(`${file.path}: yaml refused a file js-yaml read`);
    return full;
  };
  return {
    file,
    value,
    get doc() {
      return positions().doc;
    },
    get lines() {
      return positions().lines;
    },
  };
}

function parseWithPositions(file: SourceFile): { parsed: ParsedFile | undefined; errors: Diagnostic[] } {
  const fail = (message: string, line = 1, column = 1) => ({ parsed: undefined, errors: [{ severity: "error" as const, file: file.path, line, column, path: "", message }] });
  const lines = new LineCounter();
  let doc: Document.Parsed;
  try {
    // merge: YAML 1.1 merge keys (`<<: *defaults`), which compose files and hand-written specs use.
    // uniqueKeys is checked below in linear time (yaml's own check is quadratic in a map's size).
    doc = parseDocument(file.text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false, merge: true });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return fail(`YAML nesting too deep to read (${error.message})`);
  }
  doc.errors.push(...duplicateKeys(doc));
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
    if (error instanceof RangeError) return fail(`YAML nesting too deep to read (${error.message})`);
    // yaml throws a ReferenceError when aliases expand past the budget (an "alias bomb").
    if (error instanceof ReferenceError) {
      return fail(`YAML aliases expand too much (more than ${MAX_ALIAS_COUNT} nodes through *aliases): ${error.message}; expand the repeated parts by hand or use fewer nested anchors`);
    }
    // ...and an Error for a merge key (`<<`) whose value is not a map or a list of maps.
    if (error instanceof Error && /merge/i.test(error.message)) {
      const at = lines.linePos(badMerge(doc) ?? 0);
      return fail(`YAML: ${error.message} (\`<<: *anchor\` or \`<<: [*a, *b]\`, each naming a map)`, at.line, at.col);
    }
    throw error;
  }
  return { parsed: { file, doc, lines, value }, errors: [] };
}

function tooLarge(bytes: number): string {
  const size = bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
  return `the file is ${size}; a spec or compose file may be at most ${MAX_SOURCE_BYTES / 1024} KiB (is this the right file?)`;
}

/** Why a file of `bytes` bytes is refused before it is even read, or undefined. */
export function sourceSizeProblem(bytes: number): string | undefined {
  return bytes > MAX_SOURCE_BYTES ? tooLarge(bytes) : undefined;
}

/**
 * A cheap upper bound of the nesting, without parsing: flow collections opened (outside quotes and
 * comments) plus compact block sequences on one line (`- - - x`). Nesting by indentation alone
 * costs depth² bytes, which MAX_SOURCE_BYTES bounds. Returns where the limit was passed.
 */
function tooDeep(text: string): Position | undefined {
  let flow = 0;
  let line = 1;
  let lineStart = 0;
  let lastSignificant = "\n";
  let chain = 0;
  let inChain = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\n") {
      line++;
      lineStart = i + 1;
      lastSignificant = "\n";
      chain = 0;
      inChain = true;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r") continue;
    const atValueStart = "\n:-,[{?".includes(lastSignificant);
    if (inChain && (c === "-" || c === "?") && (text[i + 1] === " " || text[i + 1] === "\t")) {
      chain++;
    } else {
      inChain = false;
      if (c === "#" && (i === lineStart || /\s/.test(text[i - 1]!))) {
        const end = text.indexOf("\n", i);
        i = (end === -1 ? text.length : end) - 1;
        continue;
      } else if ((c === '"' || c === "'") && atValueStart) {
        // Skip the quoted scalar ("\" escapes in double quotes; '' is a quote inside single quotes).
        let j = i + 1;
        for (; j < text.length && text[j] !== c; j++) {
          if (c === '"' && text[j] === "\\") j++;
          if (text[j] === "\n") {
            line++;
            lineStart = j + 1;
          }
        }
        i = j;
      } else if ((c === "[" || c === "{") && atValueStart) flow++;
      else if ((c === "]" || c === "}") && flow > 0) flow--;
    }
    lastSignificant = c;
    if (flow + chain > MAX_NESTING) return { line, column: i - lineStart + 1 };
  }
  return undefined;
}

/** Where the first merge key whose value is not a map (or a list of maps) starts. */
function badMerge(doc: Document.Parsed): number | undefined {
  let found: number | undefined;
  const isMapNode = (n: unknown) => isMap(isAlias(n) ? n.resolve(doc) : n);
  visit(doc, {
    Pair(_, pair) {
      if (found !== undefined || !isMergeKey(pair.key)) return;
      const value = isAlias(pair.value) ? pair.value.resolve(doc) : pair.value;
      if (isMapNode(value) || (isSeq(value) && value.items.every(isMapNode))) return;
      found = (pair.key as { range?: [number, number, number] }).range?.[0];
      return visit.BREAK;
    },
  });
  return found;
}

/** `<<` with merge keys on: yaml gives its key a symbol as value. */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && (key.value === "<<" || typeof key.value === "symbol");
}

/** Duplicate keys in any map of the document (yaml's `uniqueKeys`, in linear time). */
function duplicateKeys(doc: Document.Parsed): Array<Document.Parsed["errors"][number]> {
  const found: Array<Document.Parsed["errors"][number]> = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const v = pair.key.value;
        if (isMergeKey(pair.key)) continue; // merge keys may repeat
        const id = `${typeof v}:${String(v)}`;
        if (seen.has(id)) {
          const at = pair.key.range?.[0] ?? 0;
          found.push(new YAMLParseError([at, at + 1], "DUPLICATE_KEY", `Map keys must be unique; ${JSON.stringify(String(v))} is repeated`));
        } else seen.add(id);
      }
    },
  });
  return found;
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
      const pair = pairOf(node, segment ?? "");
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

/** Each map's pairs by key, built once per map: finding N keys in a map of N stays linear. */
const pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>();

function pairOf(map: YAMLMap, key: PathSegment): Pair | undefined {
  let index = pairIndex.get(map);
  if (!index) {
    index = new Map();
    for (const p of map.items) {
      // The first pair with a key wins, as duplicate keys are reported separately.
      if (isScalar(p.key) && !index.has(String(p.key.value))) index.set(String(p.key.value), p);
    }
    pairIndex.set(map, index);
  }
  return index.get(String(key));
}

function rangeStart(node: unknown): number | undefined {
  if (node && typeof node === "object" && "range" in node) {
    const range = (node as { range?: [number, number, number] | null }).range;
    if (range) return range[0];
  }
  return undefined;
}

/**
 * The text as written of the plain scalar at `path` (`012`, `1.10`, `0x10`, `True`), following
 * aliases and merge keys; undefined when there is none (quoted, missing, not a scalar).
 */
export function scalarSource(parsed: ParsedFile, path: readonly PathSegment[]): string | undefined {
  const resolve = (n: unknown): unknown => (isAlias(n) ? n.resolve(parsed.doc) : n);
  const lookup = (map: unknown, key: PathSegment, depth: number): unknown => {
    if (!isMap(map) || depth > MAX_NESTING) return undefined;
    const own = pairOf(map, key);
    if (own) return resolve(own.value);
    // Merge keys (`<<: *base` or `<<: [*a, *b]`): earlier sources win, as in yaml's merge.
    for (const p of map.items) {
      if (!isMergeKey(p.key)) continue;
      const value = resolve(p.value);
      for (const source of isSeq(value) ? value.items.map(resolve) : [value]) {
        const found = lookup(source, key, depth + 1);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  };
  let node: unknown = resolve(parsed.doc.contents);
  for (const segment of path) {
    node = isSeq(node) && typeof segment === "number" ? resolve(node.items[segment]) : lookup(node, segment, 0);
    if (node === undefined) return undefined;
  }
  return isScalar(node) && node.type === "PLAIN" ? node.source : undefined;
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
