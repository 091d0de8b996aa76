/** What `dev down` removes (and `dev ci` after its run): devup's objects of this project and environment, then its namespace. */
import { pruneObjects, type Kube } from "@devup/kube";
import { LABELS, MANAGED_BY } from "@devup/manifests";
import type { ResolvedProject } from "@devup/spec";
import { scopeSelector } from "./adapters.ts";

export async function removeWorkloads(kube: Kube, project: ResolvedProject): Promise<{ removed: string[]; namespaceRemoved: boolean }> {
  const removed = await pruneObjects(kube, [], { selector: scopeSelector(project), namespace: project.namespace });
  let namespaceRemoved = false;
  try {
    const ns = await kube.core.readNamespace({ name: project.namespace });
    if (ns.metadata?.labels?.[LABELS.managedBy] === MANAGED_BY && ns.metadata.labels[LABELS.project] === project.name) {
      await kube.core.deleteNamespace({ name: project.namespace });
      namespaceRemoved = true;
    }
  } catch {
    // No namespace: nothing more to remove.
  }
  return { removed: removed.map((r) => `${r.kind}/${r.name}`), namespaceRemoved };
}
