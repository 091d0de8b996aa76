/**
 * Which host port reaches a kind cluster's ingress: the 127.0.0.1 port Docker maps to port 80 of
 * the node labelled for ingress (the control plane in devup's kind config). Read back from Docker
 * each time: a cluster created by an older devup, by hand or by another tool may have none.
 */
import { run } from "../exec.ts";
import { kindNodes } from "./cluster.ts";
import type { KindCliOptions } from "./cluster.ts";

type PortBindings = Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | null;

/** The host port bound to container port 80/tcp in `docker inspect`'s HostConfig.PortBindings, if any. */
export function ingressHostPort(bindings: PortBindings): number | undefined {
  const port = Number(bindings?.["80/tcp"]?.find((b) => b.HostPort)?.HostPort);
  return Number.isInteger(port) && port > 0 ? port : undefined;
}

/** The host port mapped to the control-plane node's port 80; undefined when the cluster has none. */
export async function kindIngressHostPort(name: string, options: KindCliOptions = {}): Promise<number | undefined> {
  const nodes = await kindNodes(name, options);
  const node = nodes.find((n) => n === `${name}-control-plane`) ?? nodes.find((n) => n.includes("control-plane"));
  if (!node) return undefined;
  const { stdout } = await run("docker", ["inspect", "--format", "{{json .HostConfig.PortBindings}}", node], {
    what: `read the port mappings of the kind node ${node}`,
    kind: "cluster",
    timeoutMs: 30_000,
  });
  return ingressHostPort(JSON.parse(stdout) as PortBindings);
}
