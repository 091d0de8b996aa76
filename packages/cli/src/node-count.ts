/**
 * A kind cluster's nodes are fixed when it is created: when the spec's cluster.controlPlanes or
 * cluster.workers differs from the running cluster's, the deploying commands say that it means
 * recreating the cluster and ask (in a terminal), or stop and say how to go on (without one).
 */
import { createInterface } from "node:readline/promises";
import { clusterProvider, type ProviderTools } from "@devup/cluster";
import { DevupError } from "@devup/errors";
import type { ResolvedProject } from "@devup/project";
import type { CommandContext } from "./context.ts";

/** kind names control-plane nodes <name>-control-plane[N]; its API load balancer is no node. */
const CONTROL_PLANE = /-control-plane\d*$/;
const LOAD_BALANCER = /-external-load-balancer$/;

/** Worker nodes among kind's node containers. */
export function workerCount(nodes: readonly string[]): number {
  return nodes.filter((n) => !CONTROL_PLANE.test(n) && !LOAD_BALANCER.test(n)).length;
}

/** Control-plane nodes among kind's node containers. */
export function controlPlaneCount(nodes: readonly string[]): number {
  return nodes.filter((n) => CONTROL_PLANE.test(n)).length;
}

export interface NodeCounts {
  controlPlanes: number;
  workers: number;
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
const describeCounts = (c: NodeCounts) => `${plural(c.controlPlanes, "control-plane node")} and ${plural(c.workers, "worker node")}`;

/** What recreating means, when the running cluster's nodes differ from the spec's; undefined when they match. */
export function nodeCountChange(cluster: string, nodes: readonly string[], wanted: NodeCounts): string | undefined {
  const running = { controlPlanes: controlPlaneCount(nodes), workers: workerCount(nodes) };
  if (running.controlPlanes === wanted.controlPlanes && running.workers === wanted.workers) return undefined;
  const keys = [running.controlPlanes !== wanted.controlPlanes ? "cluster.controlPlanes" : "", running.workers !== wanted.workers ? "cluster.workers" : ""].filter(Boolean).join(", ");
  return (
    `the kind cluster ${cluster} has ${describeCounts(running)}, the spec (${keys}) asks for ${describeCounts(wanted)}: ` +
    "kind cannot add or remove nodes, so the cluster is deleted and created again (everything deployed in it goes, volumes' data too; images are delivered again)"
  );
}

/** True when the cluster must be recreated for the spec's node count (the user said yes); throws when they did not. */
export async function confirmNodeCount(ctx: CommandContext, project: ResolvedProject, tools: ProviderTools): Promise<boolean> {
  const provider = clusterProvider(project.cluster.provider);
  if (!provider.ownsCluster || !provider.status) return false;
  const status = await provider.status(project.cluster, tools).catch(() => undefined);
  if (!status?.exists || status.nodes.length === 0) return false;
  const wanted = { controlPlanes: project.cluster.controlPlanes, workers: project.cluster.workers };
  const change = nodeCountChange(project.cluster.name, status.nodes, wanted);
  if (!change) return false;
  const keep = `set cluster.controlPlanes: ${controlPlaneCount(status.nodes)} and cluster.workers: ${workerCount(status.nodes)} to keep the cluster as it is`;
  if (!ctx.interactive) {
    throw new DevupError("usage", `${change}; not recreating it without being asked`, { hint: `run dev up --recreate-cluster to recreate it, or ${keep}` });
  }
  ctx.out.info({ type: "cluster-nodes", message: change });
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`recreate the kind cluster ${project.cluster.name} with ${describeCounts(wanted)}? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new DevupError("usage", "nothing changed (not confirmed)", { hint: keep });
  } finally {
    rl.close();
  }
  return true;
}
