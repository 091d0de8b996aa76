/**
 * Disruptions for `dev drill`, done the way Kubernetes does them in production: a pod deleted, a
 * rolling restart (a pod template annotation, as `kubectl rollout restart` does), and how far a
 * Deployment is from full strength.
 */
import { PatchStrategy } from "./k8s.ts";
import { kubeError } from "./api-error.ts";
import type { Kube } from "./kube.ts";
import { labelSelector } from "./selector.ts";

export interface Strength {
  ready: number;
  desired: number;
  /** Every desired pod ready and of the current template, and no old pod left. */
  full: boolean;
}

export async function deploymentStrength(kube: Kube, namespace: string, name: string): Promise<Strength> {
  const d = await kube.apps.readNamespacedDeployment({ name, namespace });
  const desired = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  const ready = s.readyReplicas ?? 0;
  const full = (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) && (s.updatedReplicas ?? 0) === desired && ready === desired && (s.replicas ?? 0) === desired;
  return { ready, desired, full };
}

/** Rolls every pod of the Deployment, one batch at a time under its update strategy. */
export async function restartDeployment(kube: Kube, namespace: string, name: string): Promise<void> {
  const patch = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace }, spec: { template: { metadata: { annotations: { "devup.dev/restarted-at": new Date().toISOString() } } } } };
  try {
    await kube.objects.patch(patch, undefined, undefined, "devup-drill", undefined, PatchStrategy.MergePatch);
  } catch (error) {
    throw kubeError(`restarting Deployment ${namespace}/${name}`, error, kube.server);
  }
}

/** Deletes the first (by name) ready pod the selector matches; returns its name, or undefined when none is ready. */
export async function deleteServingPod(kube: Kube, namespace: string, selector: Readonly<Record<string, string>>): Promise<string | undefined> {
  const pods = await kube.core.listNamespacedPod({ namespace, labelSelector: labelSelector(selector) });
  const victim = pods.items
    .filter((p) => !p.metadata?.deletionTimestamp && p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"))
    .map((p) => p.metadata?.name ?? "")
    .sort()[0];
  if (victim) await kube.core.deleteNamespacedPod({ name: victim, namespace });
  return victim;
}

/** Whether a PodDisruptionBudget in the namespace selects pods with these labels (by matchLabels). */
export async function budgetCovers(kube: Kube, namespace: string, podLabels: Readonly<Record<string, string>>): Promise<boolean> {
  const list = await kube.objects.list("policy/v1", "PodDisruptionBudget", namespace);
  return (list.items as Array<{ spec?: { selector?: { matchLabels?: Record<string, string> } } }>).some((b) => {
    const match = b.spec?.selector?.matchLabels;
    return match !== undefined && Object.keys(match).length > 0 && Object.entries(match).every(([k, v]) => podLabels[k] === v);
  });
}
