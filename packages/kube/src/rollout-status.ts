/**
 * Pure reading of a Deployment's rollout: is it done, which pods belong to its current revision,
 * and a one-line summary of what is happening. No I/O; see rollout.ts for the watch plumbing.
 */
import type { ContainerStatus, Deployment, Pod, ReplicaSet } from "./types.ts";

export interface RolloutStatus {
  /** The controller has seen the latest spec, all replicas are updated and available, no old ones remain. */
  done: boolean;
  /** The controller has seen the latest spec (status is about this revision). */
  observed: boolean;
  desired: number;
  updated: number;
  available: number;
  /** All pods of the Deployment, old revisions included. */
  total: number;
  summary: string;
}

export function rolloutStatus(deployment: Deployment): RolloutStatus {
  const desired = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  const observed = (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 1);
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const total = status.replicas ?? 0;
  const done = observed && updated === desired && available === desired && total === desired;
  let summary: string;
  if (!observed) summary = "waiting for the Deployment controller to see the new spec";
  else {
    const parts = [`${available}/${desired} available`];
    if (updated < desired) parts.push(`${updated}/${desired} updated`);
    if (total > updated) parts.push(`${total - updated} old ${total - updated === 1 ? "pod" : "pods"} still running`);
    summary = parts.join(", ");
  }
  return { done, observed, desired, updated, available, total, summary };
}

const REVISION = "deployment.kubernetes.io/revision";

/**
 * The live pods of the Deployment's current revision: those whose pod-template-hash is the one of
 * the ReplicaSet the Deployment owns at its current revision. While that ReplicaSet is not known
 * yet, none (the pods seen may all be the previous revision's); a Deployment without a revision
 * (not processed by the controller yet) counts all live pods matching its selector.
 */
export function currentPods(deployment: Deployment, replicaSets: readonly ReplicaSet[], pods: readonly Pod[]): Pod[] {
  const uid = deployment.metadata?.uid;
  const revision = deployment.metadata?.annotations?.[REVISION];
  const current = replicaSets.find(
    (rs) => rs.metadata?.annotations?.[REVISION] === revision && (uid === undefined || rs.metadata?.ownerReferences?.some((o) => o.uid === uid)),
  );
  const hash = revision === undefined ? undefined : current?.metadata?.labels?.["pod-template-hash"];
  if (revision !== undefined && hash === undefined) return [];
  return pods
    .filter((p) => !p.metadata?.deletionTimestamp && p.status?.phase !== "Failed" && p.status?.phase !== "Succeeded")
    .filter((p) => hash === undefined || p.metadata?.labels?.["pod-template-hash"] === hash)
    .sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""));
}

function containerWord(s: ContainerStatus): string | undefined {
  return s.state?.waiting?.reason ?? (s.state?.terminated ? `terminated (${s.state.terminated.reason ?? `exit ${s.state.terminated.exitCode}`})` : undefined);
}

/** "users-7d9f-abcde: Running, 1/1 ready, 0 restarts" — one line per pod, for progress and timeouts. */
export function podLine(pod: Pod): string {
  const statuses = pod.status?.containerStatuses ?? [];
  const ready = statuses.filter((s) => s.ready).length;
  const restarts = statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0);
  const waiting = [...(pod.status?.initContainerStatuses ?? []), ...statuses].map(containerWord).find((w) => w !== undefined);
  const phase = pod.status?.phase ?? "Pending";
  const parts = [waiting ? `${phase} (${waiting})` : phase];
  if (statuses.length > 0) parts.push(`${ready}/${statuses.length} ready`);
  if (restarts > 0) parts.push(`${restarts} ${restarts === 1 ? "restart" : "restarts"}`);
  return `${pod.metadata?.name ?? "<pod>"}: ${parts.join(", ")}`;
}
