/** Which kinds a prune and `dev down` look at besides the generated ones, for projects with manifests:. */
import { OWN_PRUNE_KINDS, PRUNE_KINDS } from "@devup/kube";
import { clusterScopedKinds, type KubeObject, type ObjectRef } from "@devup/manifests";
import type { ResolvedProject } from "@devup/project";

/** The common workload kinds, and the namespaced kinds of the desired set (by their API version). */
export function ownPruneKinds(project: ResolvedProject, desired: ReadonlyArray<KubeObject | ObjectRef> = []): Array<{ kind: string; apiVersion: string }> {
  if (!project.services.some((s) => s.manifests)) return [];
  const objects = desired.filter((o): o is KubeObject => "metadata" in o);
  const cluster = clusterScopedKinds(objects);
  const inSet = desired
    .map((o) => ({ kind: o.kind, apiVersion: o.apiVersion }))
    .filter((o): o is { kind: string; apiVersion: string } => o.apiVersion !== undefined && !cluster.has(o.kind) && !(o.kind in PRUNE_KINDS));
  return [...OWN_PRUNE_KINDS, ...inSet];
}
