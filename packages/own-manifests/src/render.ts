/**
 * A service's own objects, rendered by the tools users trust: plain YAML read from the files its globs
 * match, `kubectl kustomize DIR`, `helm template RELEASE CHART`. Nothing outside the project is read
 * (every file a glob matches is checked with its symlinks followed); a tool's refusal is reported with
 * its own words and the spec line of `manifests:`.
 */
import { glob, readFile, realpath, stat } from "node:fs/promises";
import { isAbsolute, join, relative, sep } from "node:path";
import { DevupError } from "@devup/errors";
import type { KubeObject } from "@devup/manifests";
import type { ManifestSource, ResolvedProject, ResolvedService } from "@devup/project";
import { parseObjects } from "./parse.ts";
import { findTool, type Tool } from "./tools.ts";

export interface RenderOptions {
  env?: NodeJS.ProcessEnv | undefined;
  signal?: AbortSignal | undefined;
}

const TOOL_TIMEOUT_MS = 120_000;
const TAIL = 20;

const describe = (s: ManifestSource): string =>
  s.kind === "yaml" ? `the YAML files ${s.files.join(", ")}` : s.kind === "kustomize" ? `kubectl kustomize ${s.dir}` : `helm template of ${s.chart}`;

/** The objects of a service with `manifests:` as its source gives them (no image injected, no labels added). */
export async function renderOwnManifests(project: ResolvedProject, service: ResolvedService, options: RenderOptions = {}): Promise<KubeObject[]> {
  const m = service.manifests;
  if (!m) return [];
  const fail = (what: string, details: readonly string[], hint: string) =>
    new DevupError("renderFailed", `${m.at}: ${service.name}: ${what}`, { details, hint });
  let text: Array<{ text: string; source: string }>;
  const s = m.source;
  if (s.kind === "yaml") {
    const files = await yamlFiles(project.root, s.files, (what) => fail(what, [], `fix manifests.yaml in ${service.specFile}`));
    text = await Promise.all(files.map(async (f) => ({ text: await readFile(join(project.root, f), "utf8"), source: f })));
  } else {
    const args =
      s.kind === "kustomize"
        ? ["kustomize", s.dir]
        : [
            "template", s.release, s.chart, "--namespace", project.namespace,
            ...(s.version ? ["--version", s.version] : []),
            ...s.values.flatMap((v) => ["--values", v]),
            ...Object.entries(s.set).flatMap(([k, v]) => (typeof v === "string" ? ["--set-string", `${k}=${v}`] : ["--set", `${k}=${String(v)}`])),
          ];
    const tool: Tool = s.kind === "kustomize" ? "kubectl" : "helm";
    const out = await runTool(tool, args, project.root, options, (what, details) =>
      fail(what, details, s.kind === "helm" ? `fix the chart or its values (${s.chart}), or manifests.helm in ${service.specFile}` : `fix the kustomization in ${s.dir}`),
    );
    text = [{ text: out, source: describe(s) }];
  }
  const objects: KubeObject[] = [];
  const errors: string[] = [];
  for (const t of text) {
    const parsed = parseObjects(t.text, t.source);
    objects.push(...parsed.objects);
    errors.push(...parsed.errors);
  }
  if (errors.length) throw fail(`${describe(s)} ${errors.length === 1 ? "holds something" : "hold things"} devup cannot apply`, errors, "every YAML document must be a Kubernetes object with apiVersion, kind and metadata.name");
  return objects;
}

/** The files the patterns match, relative to the root, each once, in pattern order then name order; none may lead out of the project. */
async function yamlFiles(root: string, patterns: readonly string[], fail: (what: string) => DevupError): Promise<string[]> {
  const realRoot = await realpath(root);
  const seen = new Set<string>();
  const files: string[] = [];
  for (const pattern of patterns) {
    const matches: string[] = [];
    if (!/[*?[\]{}]/.test(pattern)) matches.push(pattern);
    else for await (const f of glob(pattern, { cwd: root })) matches.push(f.split(sep).join("/"));
    const found: string[] = [];
    for (const f of matches.sort()) {
      const real = await realpath(join(root, f)).catch(() => undefined);
      if (real === undefined) throw fail(`YAML file ${JSON.stringify(f)} not found`);
      const rel = relative(realRoot, real);
      if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) throw fail(`YAML file ${JSON.stringify(f)} leads out of the project (to ${JSON.stringify(real)}); devup reads nothing outside the folder of dev.yaml`);
      if (!(await stat(real)).isFile()) continue;
      found.push(f);
    }
    if (found.length === 0) throw fail(`${JSON.stringify(pattern)} matches no YAML file`);
    for (const f of found) {
      if (seen.has(f)) continue;
      seen.add(f);
      files.push(f);
    }
  }
  return files;
}

async function runTool(tool: Tool, args: string[], cwd: string, options: RenderOptions, fail: (what: string, details: readonly string[]) => DevupError): Promise<string> {
  const env = options.env ?? process.env;
  const file = findTool(tool, env);
  const shown = `${tool} ${args.join(" ")}`;
  if (!file) {
    throw new DevupError("notFound", `${tool} is needed to render ${args[0] === "kustomize" ? "a kustomization" : "a Helm chart"}, and it is not on PATH`, {
      hint: `install ${tool}, set DEVUP_${tool.toUpperCase()} to its path, or run scripts/cluster/ensure (the offline harness builds it)`,
    });
  }
  // Loaded on first use: `dev render` and `dev validate` of a project without kustomize or Helm never need it.
  const { execa } = await import("execa");
  const result = await execa(file, args, { cwd, env, extendEnv: false, reject: false, stdin: "ignore", timeout: TOOL_TIMEOUT_MS, ...(options.signal ? { cancelSignal: options.signal } : {}) });
  if (result.exitCode !== 0) {
    options.signal?.throwIfAborted();
    const why = result.timedOut ? `did not finish in ${TOOL_TIMEOUT_MS / 1000} s` : `failed (exit ${result.exitCode ?? result.signal})`;
    const said = String(result.stderr).trim().split("\n").filter(Boolean).slice(-TAIL);
    throw fail(`${shown} ${why}${said.length ? `: ${said[0]}` : ""}`, [`$ ${shown}`, ...said.slice(1)]);
  }
  return String(result.stdout);
}
