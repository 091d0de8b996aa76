/**
 * A kind cluster's node count is fixed when it is created: when the spec's cluster.workers differs
 * from the running cluster's, the deploying commands say that it means recreating the cluster and
 * ask (in a terminal), or stop and say how to go on (without one).
 */
import { createInterface } from "node:readline/promises";
import { clusterProvider, type ProviderTools } from "@devup/cluster";
import { DevupError } from "@devup/errors";
import type { ResolvedProject } from "@devup/project";
import type { CommandContext } from "./context.ts";

/** Worker nodes among kind's node containers (<name>-control-plane[N] are the control plane). */
export function workerCount(nodes: readonly string[]): number {
  return nodes.filter((n) => !/-control-plane\d*$/.test(n)).length;
}

/** What recreating means, when the running cluster's workers differ from the spec's; undefined when they match. */
export function nodeCountChange(cluster: string, nodes: readonly string[], wanted: number): string | undefined {
  const running = workerCount(nodes);
  if (running === wanted) return undefined;
  const workers = (n: number) => `${n} worker node${n === 1 ? "" : "s"}`;
  return (
    `the kind cluster ${cluster} has ${workers(running)}, the spec (cluster.workers) asks for ${workers(wanted)}: ` +
    "kind cannot add or remove nodes, so the cluster is deleted and created again (everything deployed in it goes, volumes' data too; images are delivered again)"
  );
}

/** True when the cluster must be recreated for the spec's node count (the user said yes); throws when they did not. */
export async function confirmNodeCount(ctx: CommandContext, project: ResolvedProject, tools: ProviderTools): Promise<boolean> {
  const provider = clusterProvider(project.cluster.provider);
  if (!provider.ownsCluster || !provider.status) return false;
  const status = await provider.status(project.cluster, tools).catch(() => undefined);
  if (!status?.exists || status.nodes.length === 0) return false;
  const change = nodeCountChange(project.cluster.name, status.nodes, project.cluster.workers);
  if (!change) return false;
  const keep = `set cluster.workers: ${workerCount(status.nodes)} to keep the cluster as it is`;
  if (!ctx.interactive) {
    throw new DevupError("usage", `${change}; not recreating it without being asked`, { hint: `run dev up --recreate-cluster to recreate it, or ${keep}` });
  }
  ctx.out.info({ type: "cluster-nodes", message: change });
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`recreate the kind cluster ${project.cluster.name} with ${project.cluster.workers} worker node(s)? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new DevupError("usage", "nothing changed (not confirmed)", { hint: keep });
  } finally {
    rl.close();
  }
  return true;
}
