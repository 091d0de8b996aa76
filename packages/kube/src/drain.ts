/**
 * A node drain the way `kubectl drain` does it: cordon the node (no new pods there), then evict each
 * pod on it through the Eviction API, which honours PodDisruptionBudgets (a 429 means "not now":
 * tried again until the deadline); DaemonSet pods and static (mirror) pods stay. Uncordon undoes it.
 */
import { PatchStrategy } from "./k8s.ts";
import { DevupError } from "@devup/errors";
import { httpStatus, kubeError } from "./api-error.ts";
import type { Kube } from "./kube.ts";

export async function cordonNode(kube: Kube, node: string, unschedulable: boolean): Promise<void> {
  try {
    await kube.objects.patch({ apiVersion: "v1", kind: "Node", metadata: { name: node }, spec: { unschedulable } }, undefined, undefined, "devup-drill", undefined, PatchStrategy.MergePatch);
  } catch (error) {
    throw kubeError(`${unschedulable ? "cordoning" : "uncordoning"} node ${node}`, error, kube.server);
  }
}

interface PodOnNode {
  metadata?: { name?: string; namespace?: string; ownerReferences?: Array<{ kind?: string }>; annotations?: Record<string, string> };
}

/** Pure: whether a drain evicts this pod (not a DaemonSet's, not a static pod's mirror). */
export function evictable(pod: PodOnNode): boolean {
  if (pod.metadata?.ownerReferences?.some((o) => o.kind === "DaemonSet")) return false;
  return pod.metadata?.annotations?.["kubernetes.io/config.mirror"] === undefined;
}

/** Evicts every evictable pod on the node; resolves with "namespace/name" of each, or throws when a budget still blocks one at the deadline. */
export async function evictNode(kube: Kube, node: string, timeoutMs: number, onEvicted?: (pod: string) => void): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  const list = await kube.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` });
  const pods = (list.items as PodOnNode[]).filter(evictable).map((p) => ({ name: p.metadata?.name ?? "", namespace: p.metadata?.namespace ?? "" }));
  const evicted: string[] = [];
  await Promise.all(
    pods.map(async ({ name, namespace }) => {
      for (;;) {
        try {
          await kube.core.createNamespacedPodEviction({ name, namespace, body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name, namespace } } });
          evicted.push(`${namespace}/${name}`);
          onEvicted?.(`${namespace}/${name}`);
          return;
        } catch (error) {
          const status = httpStatus(error);
          if (status === 404) return; // gone already
          if (status !== 429) throw kubeError(`evicting pod ${namespace}/${name}`, error, kube.server);
          if (Date.now() >= deadline) {
            throw new DevupError("drillFailed", `pod ${namespace}/${name} could not be evicted from node ${node} within ${Math.round(timeoutMs / 1000)} s: a PodDisruptionBudget does not allow it now`, {
              hint: "its other replicas are not ready, or the budget allows no disruption (minAvailable equal to the replicas)",
            });
          }
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    }),
  );
  return evicted.sort();
}
