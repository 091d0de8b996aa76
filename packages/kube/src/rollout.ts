/**
 * Waiting for a Deployment's rollout by watching it (and its ReplicaSets, pods and pod events),
 * with the diagnosis of diagnose.ts on every change. Fails early on a clear problem (bad image,
 * crash loop, ...), otherwise on the timeout with what was last seen.
 */
import { DevupError } from "@devup/errors";
import { httpStatus, kubeError } from "./api-error.ts";
import { diagnose } from "./diagnose.ts";
import type { Diagnosis, Problem } from "./diagnose.ts";
import type { Kube } from "./kube.ts";
import { recentLogs } from "./logs.ts";
import { currentPods, podLine } from "./rollout-status.ts";
import { labelSelector } from "./selector.ts";
import type { Deployment, KubeEvent, Pod, ReplicaSet } from "./types.ts";
import { watchCache } from "./watch-cache.ts";
import type { WatchCache } from "./watch-cache.ts";

export interface RolloutProgress {
  /** Available replicas of the current revision, and how many are wanted. */
  available: number;
  desired: number;
  /** What is happening, in words ("1/2 available"). */
  summary: string;
  /** A problem seen so far that may still resolve (a failing readiness probe, an unschedulable pod). */
  problem?: Problem;
}

export interface WaitForRolloutOptions {
  namespace: string;
  /** The Deployment's name. */
  name: string;
  /** What to call it in messages (default: the Deployment's name, which is the service's). */
  service?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (progress: RolloutProgress) => void;
}

/** How often time-dependent diagnoses (how long a pod has been unready) are re-evaluated between events. */
const RECHECK_MS = 2_000;
const LOG_LINES = 20;

async function logsFor(kube: Kube, namespace: string, logs: NonNullable<Problem["logs"]>): Promise<string[]> {
  try {
    return await recentLogs(kube, namespace, logs.pod, logs.container, { previous: logs.previous, tailLines: LOG_LINES });
  } catch {
    try {
      return await recentLogs(kube, namespace, logs.pod, logs.container, { tailLines: LOG_LINES });
    } catch {
      return ["(its logs could not be read)"];
    }
  }
}

export function waitForRollout(kube: Kube, options: WaitForRolloutOptions): Promise<{ durationMs: number }> {
  const { namespace, name, signal } = options;
  const service = options.service ?? name;
  const started = Date.now();

  return new Promise((resolve, reject) => {
    let settled = false;
    let failing = false;
    let pods: WatchCache<Pod> | undefined;
    let replicaSets: WatchCache<ReplicaSet> | undefined;
    let last: { diagnosis?: Diagnosis; pods: Pod[] } = { pods: [] };
    let reported = "";
    let watchError: unknown;

    const onError = (error: unknown): void => {
      watchError = error;
      const status = httpStatus(error);
      if (status === 401 || status === 403) finish(kubeError(`watching Deployment ${namespace}/${name}`, error, kube.server));
    };
    const deployments = watchCache<Deployment>(kube, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      plural: "deployments",
      namespace,
      fieldSelector: `metadata.name=${name}`,
      onChange: check,
      onError,
    });
    const events = watchCache<KubeEvent>(kube, { apiVersion: "v1", kind: "Event", plural: "events", namespace, fieldSelector: "involvedObject.kind=Pod", onChange: check });
    const recheck = setInterval(check, RECHECK_MS);
    const timer = setTimeout(onTimeout, options.timeoutMs);
    const onAbort = (): void => finish(signal?.reason ?? new DOMException("The rollout wait was aborted", "AbortError"));
    if (signal?.aborted) onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });

    function finish(error?: unknown): void {
      if (settled) return;
      settled = true;
      clearInterval(recheck);
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      for (const cache of [deployments, events, pods, replicaSets]) cache?.close();
      if (error === undefined) resolve({ durationMs: Date.now() - started });
      else reject(error instanceof Error ? error : new Error(typeof error === "string" ? error : "the rollout wait failed"));
    }

    function report(progress: RolloutProgress): void {
      const key = `${progress.summary}\n${progress.problem?.message ?? ""}`;
      if (key === reported) return;
      reported = key;
      options.onProgress?.(progress);
    }

    /** Pods and ReplicaSets are watched once the Deployment (and so its selector) is known. */
    function watchPods(deployment: Deployment): void {
      const matchLabels = deployment.spec?.selector?.matchLabels ?? {};
      if (Object.keys(matchLabels).length === 0) return;
      const selector = labelSelector(matchLabels);
      pods = watchCache<Pod>(kube, { apiVersion: "v1", kind: "Pod", plural: "pods", namespace, labelSelector: selector, onChange: check });
      replicaSets = watchCache<ReplicaSet>(kube, { apiVersion: "apps/v1", kind: "ReplicaSet", plural: "replicasets", namespace, labelSelector: selector, onChange: check });
    }

    function check(): void {
      if (settled) return;
      const deployment = deployments.items()[0];
      if (!deployment) {
        const summary = deployments.synced() ? `Deployment ${namespace}/${name} does not exist` : "connecting to the Kubernetes API";
        report({ available: 0, desired: 0, summary });
        return;
      }
      if (!pods) watchPods(deployment);
      const current = currentPods(deployment, replicaSets?.items() ?? [], pods?.items() ?? []);
      const diagnosis = diagnose(deployment, current, events.items());
      last = { diagnosis, pods: current };
      if (diagnosis.done) {
        finish();
        return;
      }
      const { problem } = diagnosis;
      report({ available: diagnosis.available, desired: diagnosis.desired, summary: diagnosis.summary, ...(problem ? { problem } : {}) });
      if (problem?.fatal) void fail(problem);
    }

    async function fail(problem: Problem): Promise<void> {
      if (failing) return;
      failing = true;
      const details = problem.logs ? await logsFor(kube, namespace, problem.logs) : [];
      finish(new DevupError("rollout", `${service}: ${problem.message}`, { hint: problem.hint, details }));
    }

    function onTimeout(): void {
      const seconds = Math.round(options.timeoutMs / 1000);
      const { diagnosis } = last;
      const seen = diagnosis
        ? [diagnosis.summary, diagnosis.problem?.message].filter(Boolean).join("; ")
        : `${deployments.synced() ? `Deployment ${namespace}/${name} does not exist` : "the Kubernetes API did not answer"}${watchError instanceof Error ? ` (${watchError.message.split("\n")[0]})` : ""}`;
      finish(
        new DevupError("timeout", `${service}: not ready after ${seconds}s: ${seen}`, {
          hint: diagnosis?.problem?.hint ?? "it may only be slow to start: raise the rollout timeout, or look at its logs",
          details: last.pods.map(podLine),
        }),
      );
    }
  });
}
