/** What `dev down` removes (and `dev ci` after its run): devup's objects of this project and environment, then its namespace. */
import { deleteHistories, listClaims, pruneObjects, type Kube } from "@devup/kube";
import { LABELS, MANAGED_BY, projectSelector } from "@devup/manifests";
import type { ResolvedProject } from "@devup/project";
import { ownPruneKinds, ROUTE_PRUNE_KINDS } from "./own-kinds.ts";

/** Whether the namespace still exists (terminating or not). */
async function namespaceExists(kube: Kube, name: string): Promise<boolean> {
  try {
    await kube.core.readNamespace({ name });
    return true;
  } catch {
    return false;
  }
}

export interface Teardown {
  /** "Kind/name" of each object removed. */
  removed: string[];
  namespaceRemoved: boolean;
  /** PersistentVolumeClaims removed (with `volumes`). */
  volumesRemoved: string[];
  /** PersistentVolumeClaims kept (without `volumes`); the namespace that holds them stays. */
  volumesKept: string[];
}

/**
 * Persistent volumes (claims) stay unless `volumes` is set, and so does the namespace holding them
 * (deleting a namespace deletes its claims). With `waitMs`, also waits (up to that long) until the
 * namespace is gone: a namespace that is still terminating refuses new objects, so a run right after
 * this one would fail.
 */
export async function removeWorkloads(kube: Kube, project: ResolvedProject, options: { waitMs?: number; volumes?: boolean } = {}): Promise<Teardown> {
  const selector = projectSelector(project, { managed: true });
  const own = project.services.some((s) => s.manifests);
  // The user's own objects: also their custom resources (the kinds of the CRDs this project applied).
  const extraKinds = [...ROUTE_PRUNE_KINDS, ...(own ? [...ownPruneKinds(project), ...(await labelledCrdKinds(kube, selector))] : [])];
  const removed = await pruneObjects(kube, [], { selector, namespace: project.namespace, extraKinds });
  // Nothing left to roll back: the deploy histories go too (also when the namespace stays).
  await deleteHistories(kube, project.namespace, projectSelector(project));
  const volumesRemoved = options.volumes ? (await pruneObjects(kube, [], { selector, namespace: project.namespace, kinds: ["PersistentVolumeClaim"] })).map((r) => r.name) : [];
  const volumesKept = options.volumes ? [] : await listClaims(kube, project.namespace, selector);
  let namespaceRemoved = false;
  try {
    const ns = await kube.core.readNamespace({ name: project.namespace });
    // A project with its own manifests shares its namespace with whatever else its users put there: kept.
    if (!own && volumesKept.length === 0 && ns.metadata?.labels?.[LABELS.managedBy] === MANAGED_BY && ns.metadata.labels[LABELS.project] === project.name) {
      await kube.core.deleteNamespace({ name: project.namespace });
      namespaceRemoved = true;
    }
  } catch {
    // No namespace: nothing more to remove.
  }
  const deadline = Date.now() + (options.waitMs ?? 0);
  while (namespaceRemoved && Date.now() < deadline && (await namespaceExists(kube, project.namespace))) await new Promise((r) => setTimeout(r, 1000));
  return { removed: removed.map((r) => `${r.kind}/${r.name}`), namespaceRemoved, volumesRemoved, volumesKept };
}

/** Namespaced kinds of the CRDs carrying this project's labels (its own manifests applied them). */
async function labelledCrdKinds(kube: Kube, selector: Readonly<Record<string, string>>): Promise<Array<{ kind: string; apiVersion: string }>> {
  try {
    const list = await kube.objects.list("apiextensions.k8s.io/v1", "CustomResourceDefinition", undefined, undefined, undefined, undefined, undefined, Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(","));
    return (list.items as Array<{ spec?: { group?: string; scope?: string; names?: { kind?: string }; versions?: Array<{ name?: string; storage?: boolean }> } }>).flatMap((crd) => {
      const version = crd.spec?.versions?.find((v) => v.storage)?.name ?? crd.spec?.versions?.[0]?.name;
      return crd.spec?.scope === "Namespaced" && crd.spec.names?.kind && crd.spec.group && version ? [{ kind: crd.spec.names.kind, apiVersion: `${crd.spec.group}/${version}` }] : [];
    });
  } catch {
    return [];
  }
}
