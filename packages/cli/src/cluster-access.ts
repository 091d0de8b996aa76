/** Reaching the project's existing cluster for status, logs and down (never creates anything), and what runs there. */
import { clusterProvider, type ClusterProvider, type ProviderTools } from "@devup/cluster";
import { assertContextAllowed, createKube, listDeployments, type Deployment, type Kube } from "@devup/kube";
import { projectSelector } from "@devup/manifests";
import type { ResolvedProject } from "@devup/project";
import type { CommandContext } from "./context.ts";
import { findKind } from "./machine.ts";

export function allowedContexts(ctx: CommandContext): string[] {
  const v = ctx.options["allow-context"];
  return Array.isArray(v) ? v.map(String) : typeof v === "string" ? [v] : [];
}

/** The context guard, before anything touches the cluster: a context devup did not create must be allowed by name. */
export function guardContext(provider: ClusterProvider, project: ResolvedProject, allowContexts: readonly string[]): void {
  assertContextAllowed({ context: provider.kubeContext(project.cluster), createdByDevup: provider.ownsCluster, allowed: [...allowContexts, ...project.cluster.allowedContexts] });
}

/** What a provider that runs on this machine needs to reach an existing cluster (the kind binary); nothing for the others. */
export async function localTools(provider: ClusterProvider): Promise<ProviderTools> {
  return provider.localMachine ? { kind: await findKind() } : {};
}

/** The Kubernetes API for the project's existing cluster (status, logs, down): never creates anything. */
export async function existingCluster(ctx: CommandContext, project: ResolvedProject): Promise<Kube> {
  const provider = clusterProvider(project.cluster.provider);
  guardContext(provider, project, allowedContexts(ctx));
  return createKube(await provider.access(project.cluster, await localTools(provider)));
}

/** `dev down --cluster`: deletes the cluster when its provider owns it and says what happened; undefined for a cluster devup does not delete. */
export async function deleteProjectCluster(project: ResolvedProject): Promise<string | undefined> {
  const provider = clusterProvider(project.cluster.provider);
  if (!provider.delete) return undefined;
  const cluster = provider.describe(project.cluster);
  return (await provider.delete(project.cluster, await localTools(provider))) ? `deleted the ${cluster}` : `the ${cluster} did not exist`;
}

/** The project's workloads in its environment: the Deployments devup applied there. */
export function projectWorkloads(kube: Kube, project: ResolvedProject): Promise<Deployment[]> {
  return listDeployments(kube, project.namespace, projectSelector(project, { managed: true }));
}
