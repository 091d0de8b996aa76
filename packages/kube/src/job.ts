/**
 * Runs one Job to its end: apply it, stream its pod's log while it runs, and report whether it
 * succeeded, with the reason in words when it did not (exit code, deadline, an image that cannot
 * be pulled). Used by `dev ci` for each service's test command.
 */
import { DevupError } from "@devup/errors";
import { httpStatus, kubeError } from "./api-error.ts";
import { applyObjects } from "./apply.ts";
import type { Kube } from "./kube.ts";
import { recentLogs, streamLogs } from "./logs.ts";
import type { KubeObject, Pod } from "./types.ts";

interface JobStatus {
  succeeded?: number;
  failed?: number;
  conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }>;
}

export type JobState = { done: false; waiting?: string | undefined } | { done: true; succeeded: boolean; reason?: string | undefined };

/** Pure: where a Job with backoffLimit 0 stands, from its status and its pod. */
export function jobState(status: JobStatus | undefined, pod: Pod | undefined): JobState {
  const container = pod?.status?.containerStatuses?.[0];
  const terminated = container?.state?.terminated;
  const condition = (type: string) => status?.conditions?.find((c) => c.type === type && c.status === "True");
  if ((status?.succeeded ?? 0) > 0 || condition("Complete")) return { done: true, succeeded: true };
  const failed = condition("Failed") ?? condition("FailureTarget");
  if ((status?.failed ?? 0) > 0 || failed) {
    if (failed?.reason === "DeadlineExceeded") return { done: true, succeeded: false, reason: "it ran longer than its timeout and was stopped" };
    if (terminated) return { done: true, succeeded: false, reason: `the test command exited with code ${terminated.exitCode ?? "?"}${terminated.reason && terminated.reason !== "Error" ? ` (${terminated.reason})` : ""}` };
    return { done: true, succeeded: false, reason: failed?.message ?? failed?.reason ?? "the Job failed" };
  }
  const waiting = container?.state?.waiting;
  if (waiting?.reason && waiting.reason !== "ContainerCreating") return { done: false, waiting: `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""}` };
  return { done: false };
}

export interface RunJobOptions {
  job: KubeObject;
  /** Gives up (and deletes the Job) after this long, even if the API server has not stopped it. */
  timeoutMs: number;
  onLine: (text: string) => void;
  /** Called when the pod cannot start (e.g. ErrImagePull), once per distinct reason. */
  onWaiting?: (reason: string) => void;
  pollMs?: number;
}

export interface JobOutcome {
  succeeded: boolean;
  durationMs: number;
  reason?: string | undefined;
  /** The last lines the test printed. */
  tail: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runJob(kube: Kube, options: RunJobOptions): Promise<JobOutcome> {
  const { job } = options;
  const namespace = job.metadata.namespace ?? "default";
  const name = job.metadata.name;
  const started = Date.now();
  await applyObjects(kube, [job]);
  const selector = { "job-name": name };
  const printed: string[] = [];
  const print = (text: string) => {
    printed.push(text);
    options.onLine(text);
  };
  const logs = new AbortController();
  const streaming = streamLogs(kube, { namespace, selector, follow: true, onLine: (l) => print(l.text), signal: logs.signal }).catch(() => undefined);

  let state: JobState = { done: false };
  let pod: Pod | undefined;
  let lastWaiting: string | undefined;
  const header = { apiVersion: "batch/v1", kind: "Job", metadata: { name, namespace } };
  try {
    while (!state.done) {
      if (Date.now() - started > options.timeoutMs) {
        state = { done: true, succeeded: false, reason: `no result after ${Math.round(options.timeoutMs / 1000)} s; stopped it` };
        await kube.objects.delete(header, undefined, undefined, undefined, undefined, "Background").catch(() => undefined);
        break;
      }
      await sleep(options.pollMs ?? 1000);
      try {
        const current = (await kube.objects.read(header)) as { status?: JobStatus };
        pod = (await kube.core.listNamespacedPod({ namespace, labelSelector: `job-name=${name}` })).items[0] as Pod | undefined;
        state = jobState(current.status, pod);
      } catch (error) {
        if (httpStatus(error) === 404) throw new DevupError("kube", `the Job ${namespace}/${name} was deleted while it ran`);
        throw kubeError(`reading the Job ${namespace}/${name}`, error, kube.server);
      }
      if (!state.done && state.waiting && state.waiting !== lastWaiting) {
        lastWaiting = state.waiting;
        options.onWaiting?.(state.waiting);
      }
    }
  } finally {
    logs.abort();
    await streaming;
  }
  // The follow stream may not have caught the end of a pod that finished quickly: read it once more.
  const podName = pod?.metadata?.name;
  if (podName) {
    const all = await recentLogs(kube, namespace, podName, "test", { tailLines: 5000 }).catch(() => undefined);
    for (const line of all?.slice(printed.length) ?? []) print(line);
  }
  const succeeded = state.done && state.succeeded;
  const reason = state.done && !state.succeeded ? `${state.reason ?? "failed"}${lastWaiting ? ` (its pod was waiting: ${lastWaiting})` : ""}` : undefined;
  return { succeeded, durationMs: Date.now() - started, reason, tail: printed.slice(-20) };
}
