/**
 * Prune: delete the objects devup manages (found by label) that are no longer in the desired set.
 */
import { DevupError } from "@devup/errors";
import { describeObject, httpStatus, kubeError } from "./api-error.ts";
import type { Kube } from "./kube.ts";
import { labelSelector } from "./selector.ts";
import type { KubeObject, ObjectMeta } from "./types.ts";

/** The kinds devup generates, with their API versions. Namespaces are never pruned. */
export const PRUNE_KINDS = {
  Deployment: "apps/v1",
  Service: "v1",
  ConfigMap: "v1",
  Secret: "v1",
  Ingress: "networking.k8s.io/v1",
  /** replicas > 1: the service's PodDisruptionBudget. */
  PodDisruptionBudget: "policy/v1",
  /** `dev ci`'s test Jobs (a later `dev up` or `dev down` removes those `--keep` left). */
  Job: "batch/v1",
  /** Data: only ever deleted when asked for by name (`dev down --volumes`), never by default. */
  PersistentVolumeClaim: "v1",
} as const;
export type PruneKind = keyof typeof PRUNE_KINDS;

/**
 * What a prune deletes when no kinds are given: everything devup generates except claims. A volume
 * that left the spec keeps its claim (and its data) until `dev down --volumes`, as Skaffold and Tilt
 * keep volumes unless asked.
 */
const DEFAULT_PRUNE_KINDS = (Object.keys(PRUNE_KINDS) as PruneKind[]).filter((k) => k !== "PersistentVolumeClaim");


export interface PruneOptions {
  /** Labels every object devup manages in this scope carries, e.g. managed-by + project + environment. */
  selector: Readonly<Record<string, string>>;
  namespace: string;
  kinds?: readonly PruneKind[];
  /** Namespaced kinds besides those (the user's own objects: StatefulSets, custom resources), by API version. */
  extraKinds?: ReadonlyArray<{ kind: string; apiVersion: string }> | undefined;
  dryRun?: boolean;
}

/** Which object: the structural twin of @devup/manifests' ObjectRef. */
export interface ObjectRef {
  kind: string;
  name: string;
  namespace?: string | undefined;
}

/** Kinds the user's own objects (manifests:) commonly have besides the generated ones: pruned and removed by `dev down` too. */
export const OWN_PRUNE_KINDS: ReadonlyArray<{ kind: string; apiVersion: string }> = [
  { kind: "StatefulSet", apiVersion: "apps/v1" },
  { kind: "DaemonSet", apiVersion: "apps/v1" },
  { kind: "CronJob", apiVersion: "batch/v1" },
  { kind: "ServiceAccount", apiVersion: "v1" },
  { kind: "Role", apiVersion: "rbac.authorization.k8s.io/v1" },
  { kind: "RoleBinding", apiVersion: "rbac.authorization.k8s.io/v1" },
];

const refKey = (r: ObjectRef): string => `${r.kind}/${r.namespace ?? ""}/${r.name}`;

/** The existing objects that are not desired (matched by kind, namespace and name). */
export function objectsToPrune(existing: readonly ObjectRef[], desired: readonly ObjectRef[]): ObjectRef[] {
  const keep = new Set(desired.map(refKey));
  return existing.filter((r) => !keep.has(refKey(r)));
}

/** The names of the claims devup made in this scope (what `dev down` keeps). */
export async function listClaims(kube: Kube, namespace: string, selector: Readonly<Record<string, string>>): Promise<string[]> {
  try {
    const list = await kube.objects.list(PRUNE_KINDS.PersistentVolumeClaim, "PersistentVolumeClaim", namespace, undefined, undefined, undefined, undefined, labelSelector(selector));
    return (list.items as { metadata?: ObjectMeta }[]).filter((i) => i.metadata?.name && !i.metadata.deletionTimestamp).map((i) => i.metadata!.name!).sort();
  } catch (error) {
    if (httpStatus(error) === 404) return [];
    throw kubeError(`listing PersistentVolumeClaims in namespace ${namespace}`, error, kube.server);
  }
}

/**
 * A kind whose storage is not serving yet: a CRD just created, or whose schema just changed (devup
 * updates Traefik's with its controller), answers "storage is (re)initializing" — 429 with a
 * Retry-After while the watch cache fills (Kubernetes ≥ 1.31), 503 from older servers.
 */
const initializing = (error: unknown): boolean => httpStatus(error) === 429 || httpStatus(error) === 503;

/** Lists a kind, retrying for a few seconds while its storage initializes. */
async function listRetrying(kube: Kube, apiVersion: string, kind: string, namespace: string, selector: string, waitMs = 10_000): Promise<{ metadata?: ObjectMeta }[]> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const list = await kube.objects.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, selector);
      return list.items as { metadata?: ObjectMeta }[];
    } catch (error) {
      if (!initializing(error) || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Deletes what is no longer desired (propagation Background) and returns what it deleted. `desired`: objects, or only which objects (kind, namespace, name). */
export async function pruneObjects(kube: Kube, desired: ReadonlyArray<KubeObject | ObjectRef>, options: PruneOptions): Promise<ObjectRef[]> {
  if (Object.keys(options.selector).length === 0) {
    throw new DevupError("internal", "prune needs a label selector: without one it would delete everything in the namespace");
  }
  const apiVersions = new Map<string, string>((options.kinds ?? DEFAULT_PRUNE_KINDS).map((k) => [k, PRUNE_KINDS[k]]));
  for (const extra of options.extraKinds ?? []) if (!apiVersions.has(extra.kind)) apiVersions.set(extra.kind, extra.apiVersion);
  const selector = labelSelector(options.selector);
  const existing: ObjectRef[] = [];
  for (const [kind, apiVersion] of apiVersions) {
    let items: { metadata?: ObjectMeta }[];
    try {
      items = await listRetrying(kube, apiVersion, kind, options.namespace, selector);
    } catch (error) {
      // A custom resource whose CRD is gone has nothing left to prune; one whose CRD storage is still
      // (re)initializing, past the retries, is pruned next time.
      if ((httpStatus(error) === 404 || initializing(error)) && !(kind in PRUNE_KINDS)) continue;
      throw kubeError(`listing ${kind} objects in namespace ${options.namespace}`, error, kube.server);
    }
    for (const item of items) {
      // Already on its way out: nothing to do, nothing to report.
      if (item.metadata?.name && !item.metadata.deletionTimestamp) {
        existing.push({ kind, name: item.metadata.name, namespace: item.metadata.namespace ?? options.namespace });
      }
    }
  }
  const desiredRefs = desired.map((o) => ("metadata" in o ? { kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace } : o)).map((r) => ({ ...r, namespace: r.namespace ?? options.namespace }));
  const doomed = objectsToPrune(existing, desiredRefs);
  for (const ref of doomed) {
    const header = { apiVersion: apiVersions.get(ref.kind)!, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } };
    try {
      await kube.objects.delete(header, undefined, options.dryRun ? "All" : undefined, undefined, undefined, "Background");
    } catch (error) {
      if (httpStatus(error) !== 404) throw kubeError(`deleting ${describeObject(header)}`, error, kube.server);
    }
  }
  return doomed;
}
