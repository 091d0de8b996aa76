/** The cluster's nodes and which of a project's pods run on each (`dev status`). */
import type { V1Node, V1Pod } from "./k8s.ts";
import type { Kube } from "./kube.ts";
import { labelSelector } from "./selector.ts";

export interface NodeView {
  name: string;
  ready: boolean;
  /** From node-role.kubernetes.io/<role> labels, e.g. ["control-plane"]; [] for a worker. */
  roles: string[];
  /** The project's pods on the node (not yet finished), by name, with the service each belongs to. */
  pods: Array<{ pod: string; service: string }>;
}

const ROLE_PREFIX = "node-role.kubernetes.io/";

/** Nodes in name order, each with its pods; `serviceOf` names a pod's service. Pure. */
export function nodeViews(nodes: readonly V1Node[], pods: readonly V1Pod[], serviceOf: (pod: V1Pod) => string): NodeView[] {
  const byNode = new Map<string, Array<{ pod: string; service: string }>>();
  for (const p of pods) {
    const node = p.spec?.nodeName;
    if (!node || p.metadata?.deletionTimestamp || p.status?.phase === "Succeeded" || p.status?.phase === "Failed") continue;
    byNode.set(node, [...(byNode.get(node) ?? []), { pod: p.metadata?.name ?? "?", service: serviceOf(p) }]);
  }
  return nodes
    .map((n) => {
      const name = n.metadata?.name ?? "?";
      return {
        name,
        ready: n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
        roles: Object.keys(n.metadata?.labels ?? {}).filter((l) => l.startsWith(ROLE_PREFIX)).map((l) => l.slice(ROLE_PREFIX.length)).sort(),
        pods: (byNode.get(name) ?? []).sort((a, b) => a.pod.localeCompare(b.pod)),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The nodes with the pods in `namespace` that carry every label of `selector`; undefined when the
 * nodes cannot be listed (a context whose user may not read nodes).
 */
export async function clusterNodes(kube: Kube, namespace: string, selector: Readonly<Record<string, string>>, serviceOf: (pod: V1Pod) => string): Promise<NodeView[] | undefined> {
  try {
    const [nodes, pods] = await Promise.all([kube.core.listNode(), kube.core.listNamespacedPod({ namespace, labelSelector: labelSelector(selector) })]);
    return nodeViews(nodes.items, pods.items, serviceOf);
  } catch {
    return undefined;
  }
}
