/**
 * Changed files (relative to the project root, "/"-separated) → what each service needs: a
 * re-plan (a spec file changed), a rebuild (a build input outside every sync rule changed), or a
 * sync of files that all fall under its sync rules.
 */
import { posix } from "node:path";
import { manifestInputs, specInputs, type ResolvedProject, type ResolvedService, type ResolvedSync } from "@devup/project";

export interface SyncFile {
  /** Relative to the project root. */
  path: string;
  /** Absolute path in the container. */
  to: string;
  rule: ResolvedSync;
}

export type ServiceChange = { kind: "rebuild"; files: string[] } | { kind: "sync"; files: SyncFile[] };

export interface Classified {
  /**
   * Spec files, and files the spec reads (config files, secrets), that changed: the project must be
   * loaded and validated again; a service whose resolved spec differs is updated.
   */
  spec: string[];
  services: Map<string, ServiceChange>;
}

const under = (path: string, dir: string) => dir === "." || path === dir || path.startsWith(`${dir}/`);

function isSpecFile(path: string): boolean {
  return path === "dev.yaml" || posix.basename(path) === "service.yaml";
}

function syncTarget(s: ResolvedService, path: string): SyncFile | undefined {
  for (const rule of s.sync) {
    if (!under(path, rule.from)) continue;
    const rest = rule.from === "." ? path : posix.relative(rule.from, path);
    return { path, to: rest ? posix.join(rule.to, rest) : rule.to, rule };
  }
  return undefined;
}

/** What one service needs for these changed files, or undefined when none of them is its input. */
function classifyService(s: ResolvedService, paths: readonly string[], spec: ReadonlySet<string>): ServiceChange | undefined {
  if (!s.build) return undefined;
  const build = s.build;
  const mine = paths.filter((p) => !spec.has(p) && (under(p, build.context) || p === build.dockerfile));
  if (!mine.length) return undefined;
  const synced = mine.map((p) => (p === build.dockerfile ? undefined : syncTarget(s, p)));
  if (synced.every((f) => f !== undefined)) return { kind: "sync", files: synced };
  return { kind: "rebuild", files: mine };
}

/** Per project (a re-plan makes a new one): the files the spec reads that no sync rule covers. */
const replanInputs = new WeakMap<ResolvedProject, ReadonlySet<string>>();

function inputsOf(project: ResolvedProject): ReadonlySet<string> {
  let inputs = replanInputs.get(project);
  if (!inputs) {
    // A file the spec reads that a sync rule also covers is synced, as the rule asks (its then: runs).
    const synced = (path: string) => project.services.some((s) => s.build && syncTarget(s, path));
    inputs = new Set(project.services.flatMap(specInputs).filter((p) => !synced(p)));
    replanInputs.set(project, inputs);
  }
  return inputs;
}

export function classify(project: ResolvedProject, paths: readonly string[]): Classified {
  // Called for every file event (the coalescer's quiet period): the inputs are computed once per project.
  const inputs = inputsOf(project);
  const spec = new Set(paths.filter((p) => isSpecFile(p) || inputs.has(p)));
  const services = new Map<string, ServiceChange>();
  for (const s of project.services) {
    let change = classifyService(s, paths, spec);
    // A manifests service's YAML, chart or kustomization changed: render it again and apply (a rebuild skips an existing tag).
    const inputs = manifestInputs(s);
    const rendered = paths.filter((p) => !spec.has(p) && inputs.some((i) => under(p, i)));
    if (rendered.length) change = change ? mergeChanges(change, { kind: "rebuild", files: rendered }) : { kind: "rebuild", files: rendered };
    if (change) services.set(s.name, change);
  }
  return { spec: [...spec], services };
}

/** Two pending changes of one service as one: any rebuild wins; syncs add up (later wins per path). */
export function mergeChanges(a: ServiceChange, b: ServiceChange): ServiceChange {
  if (a.kind === "sync" && b.kind === "sync") {
    const byPath = new Map([...a.files, ...b.files].map((f) => [f.path, f]));
    return { kind: "sync", files: [...byPath.values()] };
  }
  const files = (c: ServiceChange) => (c.kind === "sync" ? c.files.map((f) => f.path) : c.files);
  return { kind: "rebuild", files: [...new Set([...files(a), ...files(b)])].sort() };
}
