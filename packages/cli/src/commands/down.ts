/**
 * `dev down`: remove devup's workloads for this project and environment; persistent volumes (claims
 * on the cluster, run-local's Docker volumes) stay unless `--volumes`; `--cluster` deletes a cluster devup
 * owns (kind).
 */
import { clusterProvider } from "@devup/cluster";
import { connectDocker, listLocalVolumes, pingDocker, removeLocalVolumes } from "@devup/docker";
import { DevupError, errorMessage } from "@devup/errors";
import type { ResolvedProject } from "@devup/project";
import { deleteProjectCluster, existingCluster } from "../cluster-access.ts";
import type { CommandContext } from "../context.ts";
import { loadValidProject } from "../project.ts";
import { removeWorkloads, type Teardown } from "../teardown.ts";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const volumesWithData = (n: number) => `${plural(n, "volume")} and ${n === 1 ? "its" : "their"} data`;

/** run-local's volumes of this project and environment: removed with `volumes`, else listed. Undefined when Docker does not answer. */
async function localVolumes(project: ResolvedProject, remove: boolean): Promise<{ names: string[]; error?: string } | undefined> {
  const docker = connectDocker();
  try {
    await pingDocker(docker);
  } catch {
    return undefined;
  }
  try {
    return { names: remove ? await removeLocalVolumes(docker, project) : await listLocalVolumes(docker, project) };
  } catch (error) {
    return { names: [], error: errorMessage(error) };
  }
}

export default async function down(ctx: CommandContext): Promise<void> {
  const project = loadValidProject(ctx);
  const volumes = ctx.options.volumes === true;
  if (ctx.options.cluster === true) {
    const message = await deleteProjectCluster(project);
    if (message !== undefined) {
      ctx.out.result({ type: "down", cluster: project.cluster.name, message });
      return;
    }
  }
  const local = await localVolumes(project, volumes);
  if (local?.error) throw new DevupError("docker", local.error, { hint: "stop dev run-local of this project, then run dev down --volumes again" });
  let teardown: Teardown | undefined;
  try {
    teardown = await removeWorkloads(await existingCluster(ctx, project), project, { volumes });
  } catch (error) {
    // Only run-local's volumes to look after: a missing cluster is nothing to remove.
    if (!(error instanceof DevupError && error.kind === "notFound" && local)) throw error;
  }
  const parts: string[] = [];
  if (teardown) parts.push(`removed ${plural(teardown.removed.length, "object")}${teardown.namespaceRemoved ? ` and the namespace ${project.namespace}` : ""}`);
  else parts.push(`the ${clusterProvider(project.cluster.provider).describe(project.cluster)} does not exist`);
  const claimsRemoved = teardown?.volumesRemoved ?? [];
  const claimsKept = teardown?.volumesKept ?? [];
  const localNames = local?.names ?? [];
  if (volumes) {
    const gone = [...claimsRemoved.map((c) => `PersistentVolumeClaim ${c}`), ...localNames.map((v) => `Docker volume ${v}`)];
    parts.push(gone.length ? `removed ${volumesWithData(gone.length)}: ${gone.join(", ")}` : "no volumes to remove");
  } else {
    const kept = [...claimsKept.map((c) => `PersistentVolumeClaim ${c}`), ...localNames.map((v) => `Docker volume ${v}`)];
    if (kept.length) parts.push(`kept ${volumesWithData(kept.length)}: ${kept.join(", ")}${claimsKept.length ? ` (and the namespace ${project.namespace} that holds the claims)` : ""}; dev down --volumes removes them`);
  }
  if (teardown) parts.push(`the cluster ${project.cluster.name} keeps running (dev down --cluster deletes it)`);
  ctx.out.result({
    type: "down",
    removed: teardown?.removed ?? [],
    namespaceRemoved: teardown?.namespaceRemoved ?? false,
    volumesRemoved: volumes ? { claims: claimsRemoved, docker: localNames } : { claims: [], docker: [] },
    volumesKept: volumes ? { claims: [], docker: [] } : { claims: claimsKept, docker: localNames },
    message: parts.join("; "),
  });
}
