/** `dev down`: remove devup's workloads for this project and environment; `--cluster` deletes the kind cluster. */
import { deleteKindCluster, kindClusterStatus } from "@devup/cluster";
import { deleteHistories, pruneObjects } from "@devup/kube";
import { LABELS, MANAGED_BY } from "@devup/manifests";
import { scopeSelector } from "../adapters.ts";
import { existingCluster } from "../cluster-access.ts";
import type { CommandContext } from "../context.ts";
import { findKind } from "../machine.ts";
import { loadValidProject } from "../project.ts";

export default async function down(ctx: CommandContext): Promise<void> {
  const project = loadValidProject(ctx);
  const kind = await findKind();
  if (ctx.options.cluster === true && project.cluster.provider === "kind") {
    const status = await kindClusterStatus(project.cluster.name, { kind });
    if (status.exists) await deleteKindCluster(project.cluster.name, { kind });
    ctx.out.result({ type: "down", cluster: project.cluster.name, message: status.exists ? `deleted the kind cluster ${project.cluster.name}` : `the kind cluster ${project.cluster.name} did not exist` });
    return;
  }
  const kube = await existingCluster(ctx, project);
  const removed = await pruneObjects(kube, [], { selector: scopeSelector(project), namespace: project.namespace });
  // Nothing left to roll back: the deploy histories go too (also when the namespace stays).
  await deleteHistories(kube, project.namespace, { [LABELS.project]: project.name, [LABELS.environment]: project.environment });
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
  ctx.out.result({
    type: "down",
    removed: removed.map((r) => `${r.kind}/${r.name}`),
    namespaceRemoved,
    message: `removed ${removed.length} object${removed.length === 1 ? "" : "s"}${namespaceRemoved ? ` and the namespace ${project.namespace}` : ""}; the cluster ${project.cluster.name} keeps running (dev down --cluster deletes it)`,
  });
}
