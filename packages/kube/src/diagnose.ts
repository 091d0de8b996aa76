/**
 * Rollout diagnosis in words, as a pure function of what the API shows: the Deployment, the pods
 * of its current revision and the namespace's pod events. The watch plumbing (rollout.ts) calls it
 * on every change and stops early on a fatal problem.
 */
import { rolloutStatus } from "./rollout-status.ts";
import type { RolloutStatus } from "./rollout-status.ts";
import type { Container, ContainerStatus, Deployment, KubeEvent, Pod } from "./types.ts";

export type ProblemReason = "imagePull" | "containerConfig" | "crashLoop" | "replicaFailure" | "progressDeadline" | "unschedulable" | "probe";

export interface Problem {
  reason: ProblemReason;
  /** Clear enough to stop waiting now (a bad image, a crash loop); otherwise it may still resolve. */
  fatal: boolean;
  /** What is wrong, in words, without the service name. */
  message: string;
  hint?: string;
  pod?: string;
  container?: string;
  exitCode?: number;
  /** Logs that explain the problem; the caller fetches them and shows them under the message. */
  logs?: { pod: string; container: string; previous: boolean };
}

export interface Diagnosis extends RolloutStatus {
  problem?: Problem;
}

const IMAGE_PULL = new Set(["ErrImagePull", "ImagePullBackOff", "ErrImageNeverPull", "InvalidImageName"]);
const CONTAINER_CONFIG = new Set(["CreateContainerConfigError", "CreateContainerError"]);
/** Order of importance when several problems show at once. */
const RANK: readonly ProblemReason[] = ["imagePull", "containerConfig", "crashLoop", "replicaFailure", "progressDeadline", "unschedulable", "probe"];

const IMAGE_HINT =
  "check the image name and tag; an image devup builds must be delivered to the cluster (dev up does that), and local images need imagePullPolicy IfNotPresent or Never";

function eventTime(e: KubeEvent): number {
  const t = e.lastTimestamp ?? e.series?.lastObservedTime ?? e.eventTime ?? e.firstTimestamp;
  return t ? Date.parse(t) : 0;
}

/** The newest event about `pod` with `reason` whose message starts with `prefix`. */
function latestEvent(events: readonly KubeEvent[], pod: string, reason: string, prefix: string): KubeEvent | undefined {
  return events
    .filter((e) => e.involvedObject?.name === pod && e.reason === reason && (e.message ?? "").startsWith(prefix))
    .sort((a, b) => eventTime(b) - eventTime(a))[0];
}

function crashMessage(name: string, status: ContainerStatus, events: readonly KubeEvent[], pod: string): { message: string; exitCode?: number } {
  const terminated = status.lastState?.terminated ?? status.state?.terminated;
  const exitCode = terminated?.exitCode;
  const how =
    terminated?.reason === "OOMKilled"
      ? "it was killed for using more memory than its limit (OOMKilled)"
      : exitCode !== undefined
        ? `it exited with code ${exitCode}`
        : "it keeps exiting";
  const restarts = status.restartCount ?? 0;
  const parts = [`container "${name}" is crash-looping: ${how} (restarted ${restarts} ${restarts === 1 ? "time" : "times"})`];
  if (terminated?.message) parts.push(terminated.message.trim());
  const liveness = latestEvent(events, pod, "Unhealthy", "Liveness probe failed");
  if (liveness?.message) parts.push(`last liveness probe: ${liveness.message.trim()}`);
  return { message: parts.join("; "), ...(exitCode === undefined ? {} : { exitCode }) };
}

function containerProblems(pod: Pod, status: ContainerStatus, spec: Container | undefined, events: readonly KubeEvent[], now: number): Problem[] {
  const podName = pod.metadata?.name ?? "<pod>";
  const name = status.name ?? spec?.name ?? "<container>";
  const waiting = status.state?.waiting;
  const at = { pod: podName, container: name };
  if (waiting?.reason && IMAGE_PULL.has(waiting.reason)) {
    const image = status.image ?? spec?.image ?? "<unknown>";
    const why = waiting.message?.trim() || waiting.reason;
    return [{ reason: "imagePull", fatal: true, message: `image ${image} could not be pulled: ${why}`, hint: IMAGE_HINT, ...at }];
  }
  if (waiting?.reason && CONTAINER_CONFIG.has(waiting.reason)) {
    const why = waiting.message?.trim() || waiting.reason;
    // The kubelet's own cache of Secrets and ConfigMaps not synced yet (a busy node): it retries by itself.
    const transient = /failed to sync (secret|configmap) cache/i.test(why);
    return [{ reason: "containerConfig", fatal: !transient, message: `container "${name}" cannot be started: ${why}`, ...at }];
  }
  if (waiting?.reason === "CrashLoopBackOff" || ((status.restartCount ?? 0) >= 2 && status.lastState?.terminated)) {
    const { message, exitCode } = crashMessage(name, status, events, podName);
    // The kubelet serves the last crashed instance as "previous" (lastState), also while the next one waits.
    const previous = status.lastState?.terminated !== undefined;
    return [{ reason: "crashLoop", fatal: true, message, ...at, ...(exitCode === undefined ? {} : { exitCode }), logs: { ...at, previous } }];
  }
  const startedAt = status.state?.running?.startedAt;
  if (startedAt && !status.ready) {
    const probe = spec?.readinessProbe;
    const graceSeconds = (probe?.initialDelaySeconds ?? 0) + (probe?.periodSeconds ?? 10) * (probe?.failureThreshold ?? 3);
    const notReadyMs = now - Date.parse(startedAt);
    if (notReadyMs >= graceSeconds * 1000) {
      const event = latestEvent(events, podName, "Unhealthy", "Readiness probe failed");
      const seconds = Math.round(notReadyMs / 1000);
      const said = event?.message ? `: ${event.message.trim()}` : "";
      const message = `readiness probe failing on pod ${podName} (container "${name}" running but not ready for ${seconds}s)${said}`;
      return [{ reason: "probe", fatal: false, message, hint: "check the readinessProbe path and port, and the container's logs", ...at }];
    }
  }
  return [];
}

function podProblems(pod: Pod, events: readonly KubeEvent[], now: number): Problem[] {
  const name = pod.metadata?.name ?? "<pod>";
  const scheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
  if (scheduled?.status === "False" && scheduled.reason === "Unschedulable") {
    const message = `pod ${name} cannot be scheduled: ${scheduled.message?.trim() ?? "no node fits it"}`;
    return [{ reason: "unschedulable", fatal: false, message, hint: "lower the service's resource requests, or give the cluster more room", pod: name }];
  }
  const specs = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  return statuses.flatMap((s) => containerProblems(pod, s, specs.find((c) => c.name === s.name), events, now));
}

function deploymentProblems(deployment: Deployment): Problem[] {
  const conditions = deployment.status?.conditions ?? [];
  const problems: Problem[] = [];
  const failure = conditions.find((c) => c.type === "ReplicaFailure" && c.status === "True");
  if (failure) problems.push({ reason: "replicaFailure", fatal: true, message: `pods cannot be created: ${failure.message ?? failure.reason ?? "unknown reason"}` });
  const progressing = conditions.find((c) => c.type === "Progressing");
  if (progressing?.status === "False" && progressing.reason === "ProgressDeadlineExceeded") {
    const seconds = deployment.spec?.progressDeadlineSeconds ?? 600;
    problems.push({ reason: "progressDeadline", fatal: true, message: `the rollout made no progress for ${seconds}s: ${progressing.message ?? ""}`.trim() });
  }
  return problems;
}

/**
 * What is going on with a Deployment's rollout, and the most important problem if there is one.
 * `pods` are the pods of its current revision (see currentPods); `events` may include others.
 */
export function diagnose(deployment: Deployment, pods: readonly Pod[], events: readonly KubeEvent[], now = Date.now()): Diagnosis {
  const status = rolloutStatus(deployment);
  // Until the controller has seen the new spec, pods and conditions describe the previous revision.
  if (status.done || !status.observed) return status;
  const problems = [...deploymentProblems(deployment), ...pods.flatMap((p) => podProblems(p, events, now))];
  const problem = problems.sort((a, b) => RANK.indexOf(a.reason) - RANK.indexOf(b.reason))[0];
  return problem ? { ...status, problem } : status;
}
