/**
 * Where `kubectl` and `helm` are: DEVUP_KUBECTL / DEVUP_HELM, else on PATH, else the ones the offline
 * harness built (scripts/cluster/build-binaries: <cache>/bin/kubernetes-<v>/kubectl, helm-<v>/helm).
 */
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";

export type Tool = "kubectl" | "helm";

const HARNESS_DIR: Readonly<Record<Tool, string>> = { kubectl: "kubernetes-", helm: "helm-" };

function cacheDir(env: NodeJS.ProcessEnv): string {
  return env.DEVUP_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "devup");
}

/** The tool's path, or undefined when it is nowhere. */
export function findTool(tool: Tool, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const given = env[`DEVUP_${tool.toUpperCase()}`];
  if (given) return given;
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, tool))) return join(dir, tool);
  }
  const bin = join(cacheDir(env), "bin");
  const dirs = (existsSync(bin) ? readdirSync(bin) : []).filter((d) => d.startsWith(HARNESS_DIR[tool])).sort();
  for (const d of dirs.reverse()) if (existsSync(join(bin, d, tool))) return join(bin, d, tool);
  return undefined;
}
