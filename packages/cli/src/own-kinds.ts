/** Which kinds a prune and `dev down` look at besides the generated ones: canary route objects, and for projects with manifests: their kinds. */
import { OWN_PRUNE_KINDS, PRUNE_KINDS } from "@devup/kube";
import { clusterScopedKinds, TRAEFIK_API_VERSION, type KubeObject, type ObjectRef } from "@devup/manifests";
import type { ResolvedProject } from "@devup/project";

/** The common workload kinds, and the namespaced kinds of the desired set (by their API version). */
/**
 * A canary service's IngressRoute and TraefikServices (Traefik's CRDs): looked at whatever the spec says now,
 * so a service that stops being a canary loses them; a cluster without the CRDs has none (skipped).
 */
export const ROUTE_PRUNE_KINDS: ReadonlyArray<{ kind: string; apiVersion: string }> = [
  { kind: "IngressRoute", apiVersion: TRAEFIK_API_VERSION },
  { kind: "TraefikService", apiVersion: TRAEFIK_API_VERSION },
];

export function ownPruneKinds(project: ResolvedProject, desired: ReadonlyArray<KubeObject | ObjectRef> = []): Array<{ kind: string; apiVersion: string }> {
  if (!project.services.some((s) => s.manifests)) return [];
  const objects = desired.filter((o): o is KubeObject => "metadata" in o);
  const cluster = clusterScopedKinds(objects);
  const inSet = desired
    .map((o) => ({ kind: o.kind, apiVersion: o.apiVersion }))
    .filter((o): o is { kind: string; apiVersion: string } => o.apiVersion !== undefined && !cluster.has(o.kind) && !(o.kind in PRUNE_KINDS));
  return [...OWN_PRUNE_KINDS, ...inSet];
}
