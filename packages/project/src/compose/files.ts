/**
 * Compose files → one compose model, following compose's own rules: the project `.env` and the
 * process environment for interpolation, the default override file, `-f a -f b` merge order (paths
 * relative to the first file's folder), `include` (each with its own project folder) and `extends`
 * (from the same file or another one).
 */
import { posix } from "node:path";
import { parseEnv } from "node:util";
import type { Diagnostic } from "../diagnostics.ts";
import { diagnosticAt, type Origin } from "../origin.ts";
import { parseYaml, type ParsedFile, type SourceFile } from "../source.ts";
import { interpolateTree, type InterpolationProblem, type Variables } from "./interpolate.ts";
import { mergeService } from "./merge.ts";
import { checkComposeSchema } from "./schema-check.ts";

export interface ComposeSources {
  /** Compose files in merge order, relative to the project root; the first one's folder is the compose project's folder. */
  files: string[];
  /** Reads a file relative to the project root (undefined when missing). */
  readFile: (path: string) => string | undefined;
  /** The process environment: it wins over the project's .env, as in compose. */
  env?: Variables;
  /**
   * Reads a compose file itself, with `problem` set when it is not a text file to parse (too large,
   * binary, UTF-16: see load.ts readSourceFile). Default: `readFile`.
   */
  readSource?: (path: string) => SourceFile | undefined;
  /**
   * The EXPOSE ports of images present locally (image name → ports), for services that declare none
   * and are neither well known nor built here; `ComposeImport.imagesToInspect` names the images asked about.
   */
  imagePorts?: ReadonlyMap<string, ReadonlyArray<{ port: number; protocol: "TCP" | "UDP" }>>;
}

export type ComposeService = Record<string, unknown>;

export interface LoadedService {
  name: string;
  svc: ComposeService;
  /** Where the service is written (notes point there). */
  origin: Origin;
  /** The folder its relative paths start from, relative to the project root. */
  dir: string;
}

export interface FileRef {
  /** Relative to the project root; undefined for external, environment or inline content. */
  file?: string | undefined;
}

export interface ComposeModel {
  name: string | undefined;
  services: LoadedService[];
  configs: Record<string, FileRef>;
  secrets: Record<string, FileRef>;
  volumes: Record<string, unknown>;
  /** The first file, for notes about top-level keys. */
  top: Origin;
  topLevel: Record<string, unknown>;
}

interface LoadedFile {
  parsed: ParsedFile;
  origin: Origin;
  value: Record<string, unknown>;
}

export const OVERRIDE_FILES: Record<string, string> = {
  "compose.yaml": "compose.override.yaml",
  "compose.yml": "compose.override.yml",
  "docker-compose.yaml": "docker-compose.override.yaml",
  "docker-compose.yml": "docker-compose.override.yml",
};

export function loadCompose(sources: ComposeSources): { model: ComposeModel | undefined; errors: Diagnostic[]; notes: Diagnostic[] } {
  const errors: Diagnostic[] = [];
  const notes: Diagnostic[] = [];
  const projectDir = posix.dirname(sources.files[0]!);
  const dotenv = sources.readFile(posix.join(projectDir, ".env"));
  const vars: Variables = { ...(dotenv === undefined ? {} : parseEnv(dotenv)), ...sources.env };

  const readOne = (path: string): LoadedFile | undefined => {
    const text = sources.readFile(path);
    const source = sources.readSource ? sources.readSource(path) : text === undefined ? undefined : { path, text };
    if (source === undefined) {
      errors.push({ severity: "error", file: path, line: 1, column: 1, path: "", message: `compose file ${path} not found` });
      return undefined;
    }
    const { parsed, errors: yamlErrors } = parseYaml(source);
    errors.push(...yamlErrors);
    if (!parsed) return undefined;
    const origin: Origin = { parsed, docPath: [], displayPath: [] };
    if (parsed.value === null || parsed.value === undefined) return { parsed, origin, value: {} };
    const problems: InterpolationProblem[] = [];
    if (typeof parsed.value !== "object" || Array.isArray(parsed.value)) {
      errors.push(diagnosticAt(origin, [], `a compose file is a map with a top-level "services:" key; this one is ${Array.isArray(parsed.value) ? "a list" : `a ${typeof parsed.value}`}`));
      return undefined;
    }
    const value = interpolateTree(parsed.value, vars, problems) as Record<string, unknown>;
    for (const p of problems) (p.severity === "error" ? errors : notes).push(diagnosticAt(origin, p.path, p.message, { severity: p.severity }));
    const v1 = version1Services(value);
    if (v1.length) {
      errors.push(
        diagnosticAt(origin, [v1[0]!], `this is the version 1 compose format (services at the top level: ${v1.join(", ")}); put them under a top-level "services:" key, indented one level, and import again`, { key: true }),
      );
      return undefined;
    }
    const schemaErrors = checkComposeSchema(parsed, value);
    errors.push(...schemaErrors);
    return schemaErrors.length ? undefined : { parsed, origin, value };
  };

  const files = sources.files.map(readOne);
  if (errors.length || files.some((f) => !f)) return { model: undefined, errors, notes };
  const [first] = files as LoadedFile[];
  const model: ComposeModel = { name: undefined, services: [], configs: {}, secrets: {}, volumes: {}, top: first!.origin, topLevel: {} };
  const byName = new Map<string, LoadedService>();
  for (const f of files as LoadedFile[]) {
    absorb(model, byName, f, projectDir);
  }

  // include: each entry is a compose project of its own, loaded with its own folder.
  const includes = (model.topLevel.include ?? []) as Array<string | { path: string | string[]; project_directory?: string }>;
  includes.forEach((entry, i) => {
    const paths = typeof entry === "string" ? [entry] : Array.isArray(entry.path) ? entry.path : [entry.path];
    const at = (message: string) => errors.push(diagnosticAt(first!.origin, ["include", i], message));
    const included = loadCompose({ ...sources, files: paths.map((p) => posix.join(projectDir, p)) });
    errors.push(...included.errors);
    notes.push(...included.notes);
    if (!included.model) return;
    for (const s of included.model.services) {
      if (byName.has(s.name)) at(`service ${JSON.stringify(s.name)} from ${paths.join(", ")} is also defined in ${byName.get(s.name)!.origin.parsed.file.path}; rename one of them`);
      else {
        byName.set(s.name, s);
        model.services.push(s);
      }
    }
    Object.assign(model.configs, included.model.configs, { ...model.configs });
    Object.assign(model.secrets, included.model.secrets, { ...model.secrets });
    Object.assign(model.volumes, included.model.volumes, { ...model.volumes });
  });

  // extends: the base service's keys, with the service's own on top.
  const resolving = new Set<string>();
  const resolve = (s: LoadedService): void => {
    const ext = s.svc.extends as string | { service: string; file?: string } | undefined;
    if (ext === undefined) return;
    const { service, file } = typeof ext === "string" ? { service: ext, file: undefined } : ext;
    const key = `${s.origin.parsed.file.path}#${s.name}`;
    if (resolving.has(key)) {
      errors.push(diagnosticAt(s.origin, ["services", s.name, "extends"], `extends forms a cycle through ${JSON.stringify(s.name)}; remove one of the extends`));
      return;
    }
    resolving.add(key);
    let base: LoadedService | undefined;
    if (file === undefined) {
      base = byName.get(service);
      if (base) resolve(base);
    } else {
      const other = readOne(posix.join(posix.dirname(s.origin.parsed.file.path), file));
      const svc = (other?.value.services as Record<string, ComposeService> | undefined)?.[service];
      if (other && svc) {
        base = { name: service, svc, origin: other.origin, dir: posix.dirname(other.parsed.file.path) };
        resolve(base);
      }
    }
    resolving.delete(key);
    if (!base) {
      errors.push(diagnosticAt(s.origin, ["services", s.name, "extends"], `extends names service ${JSON.stringify(service)}${file ? ` in ${file}` : ""}, which does not exist`));
      return;
    }
    const { extends: _ext, ...own } = s.svc;
    s.svc = mergeService(rebase(base.svc, base.dir, s.dir), own);
  };
  for (const s of model.services) resolve(s);
  return { model: errors.length ? undefined : model, errors, notes };
}

/** Adds one file's services (merged into those of earlier files) and top-level definitions to the model. */
function absorb(model: ComposeModel, byName: Map<string, LoadedService>, f: LoadedFile, dir: string): void {
  const value = f.value;
  if (typeof value.name === "string") model.name = value.name;
  for (const [key, v] of Object.entries(value)) if (key !== "services") model.topLevel[key] = key === "include" ? [...((model.topLevel.include as unknown[]) ?? []), ...(v as unknown[])] : v;
  for (const [name, svc] of Object.entries((value.services ?? {}) as Record<string, ComposeService | null>)) {
    const existing = byName.get(name);
    if (existing) existing.svc = mergeService(existing.svc, svc ?? {});
    else {
      const s: LoadedService = { name, svc: svc ?? {}, origin: { ...f.origin, docPath: [], displayPath: [] }, dir };
      byName.set(name, s);
      model.services.push(s);
    }
  }
  const refs = (defs: unknown): Record<string, FileRef> =>
    Object.fromEntries(Object.entries((defs ?? {}) as Record<string, { file?: string } | null>).map(([k, d]) => [k, { file: d?.file === undefined ? undefined : posix.join(dir, d.file) }]));
  Object.assign(model.configs, refs(value.configs));
  Object.assign(model.secrets, refs(value.secrets));
  Object.assign(model.volumes, (value.volumes ?? {}) as Record<string, unknown>);
}

/** A base service from another folder: its build context keeps pointing where it did. */
function rebase(svc: ComposeService, from: string, to: string): ComposeService {
  if (from === to || svc.build === undefined) return svc;
  const build = typeof svc.build === "string" ? { context: svc.build } : (svc.build as Record<string, unknown>);
  const context = posix.relative(to, posix.join(from, (build.context as string | undefined) ?? ".")) || ".";
  return { ...svc, build: { ...build, context } };
}

/** Top-level keys of the version 1 format: services written where compose now has `services:`. */
function version1Services(value: Record<string, unknown>): string[] {
  if ("services" in value) return [];
  return Object.entries(value)
    .filter(([k, v]) => !k.startsWith("x-") && v !== null && typeof v === "object" && !Array.isArray(v) && ("image" in v || "build" in v))
    .map(([k]) => k);
}
