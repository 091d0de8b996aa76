/** Reaching the project's existing cluster for status, logs and down (never creates anything). */
import { kindClusterStatus } from "@devup/cluster";
import { DevupError } from "@devup/errors";
import type { Kube } from "@devup/kube";
import type { ResolvedProject } from "@devup/project";
import { connectKube } from "./adapters.ts";
import type { CommandContext } from "./context.ts";
import { findKind } from "./machine.ts";

export function allowedContexts(ctx: CommandContext): string[] {
  const v = ctx.options["allow-context"];
  return Array.isArray(v) ? v.map(String) : typeof v === "string" ? [v] : [];
}

export async function existingCluster(ctx: CommandContext, project: ResolvedProject): Promise<Kube> {
  if (project.cluster.provider === "context") return connectKube(project, {}, allowedContexts(ctx));
  const kind = await findKind();
  const status = await kindClusterStatus(project.cluster.name, { kind });
  if (!status.exists) throw new DevupError("notFound", `the kind cluster ${project.cluster.name} does not exist`, { hint: "dev up creates it" });
  if (!status.apiReady) throw new DevupError("cluster", `the kind cluster ${project.cluster.name} exists but does not answer`, { hint: "dev up restarts it; dev doctor says more" });
  return connectKube(project, { kind }, allowedContexts(ctx));
}

/** A label selector string from a map. */
export function selectorString(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}
