/** `dev down`: remove devup's workloads for this project and environment; `--cluster` deletes the kind cluster. */
import { deleteKindCluster, kindClusterStatus } from "@devup/cluster";
import { existingCluster } from "../cluster-access.ts";
import type { CommandContext } from "../context.ts";
import { findKind } from "../machine.ts";
import { loadValidProject } from "../project.ts";
import { removeWorkloads } from "../teardown.ts";

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
  const { removed, namespaceRemoved } = await removeWorkloads(kube, project);
  ctx.out.result({
    type: "down",
    removed,
    namespaceRemoved,
    message: `removed ${removed.length} object${removed.length === 1 ? "" : "s"}${namespaceRemoved ? ` and the namespace ${project.namespace}` : ""}; the cluster ${project.cluster.name} keeps running (dev down --cluster deletes it)`,
  });
}
