/**
 * The state of a Deployment's pods as crash detection after a live update needs it: each pod's
 * restarts and how its container last ended, and deleting pods Kubernetes holds in crash back-off
 * (their replacements start at once).
 */
import { httpStatus, kubeError } from "./api-error.ts";
import type { Kube } from "./kube.ts";
import { labelSelector } from "./selector.ts";
import type { Pod } from "./types.ts";

export interface PodHealth {
  name: string;
  uid: string;
  /** The first container's restart count. */
  restarts: number;
  /** The first container runs now. */
  running: boolean;
  /** Why the container waits (e.g. CrashLoopBackOff), if it does. */
  waiting?: string | undefined;
  /** How the container's previous instance ended, if it did. */
  lastExit?: { code: number; reason?: string | undefined } | undefined;
}

/** Pure: one pod as crash detection sees it. */
export function podHealth(pod: Pod): PodHealth {
  const status = pod.status?.containerStatuses?.[0];
  const terminated = status?.lastState?.terminated ?? status?.state?.terminated;
  return {
    name: pod.metadata?.name ?? "",
    uid: pod.metadata?.uid ?? "",
    restarts: status?.restartCount ?? 0,
    running: pod.status?.phase === "Running" && status?.state?.running !== undefined,
    waiting: status?.state?.waiting?.reason,
    lastExit: terminated ? { code: terminated.exitCode ?? 0, reason: terminated.reason } : undefined,
  };
}

/** The pods (not terminating) that carry the selector's labels. */
export async function listPodHealth(kube: Kube, namespace: string, selector: Readonly<Record<string, string>>): Promise<PodHealth[]> {
  try {
    const { items } = await kube.core.listNamespacedPod({ namespace, labelSelector: labelSelector(selector) });
    return items.filter((p) => !p.metadata?.deletionTimestamp).map((p) => podHealth(p as Pod));
  } catch (error) {
    throw kubeError(`listing the pods in namespace ${namespace}`, error, kube.server);
  }
}

/** Deletes the named pods at once (grace period 0: they are crashing, there is nothing to drain). */
export async function deletePods(kube: Kube, namespace: string, names: readonly string[]): Promise<void> {
  for (const name of names) {
    try {
      await kube.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 });
    } catch (error) {
      if (httpStatus(error) === 404) continue; // gone already
      throw kubeError(`deleting pod ${namespace}/${name}`, error, kube.server);
    }
  }
}
