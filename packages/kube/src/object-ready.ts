/**
 * Readiness of the user's own objects (manifests:): Deployments through the rollout watch and its
 * diagnosis (rollout.ts); StatefulSets, DaemonSets, Jobs, CRDs (Established) and anything with a
 * `Ready` condition by polling their status, which `objectStatus` (pure) reads into words.
 */
import { DevupError } from "@devup/errors";
import { httpStatus, kubeError } from "./api-error.ts";
import type { Kube } from "./kube.ts";
import { podLine } from "./rollout-status.ts";
import { labelSelector } from "./selector.ts";
import type { KubeObject, Pod } from "./types.ts";

export interface ObjectStatus {
  ready: boolean;
  /** Fatal: waiting longer will not help (a failed Job). */
  failed?: boolean;
  /** In words: "2/3 ready", "Job failed: BackoffLimitExceeded". */
  summary: string;
}

type Json = Record<string, unknown>;
interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}
const num = (v: unknown) => (typeof v === "number" ? v : 0);

function conditions(o: Json): Condition[] {
  const status = o.status as { conditions?: unknown } | undefined;
  return Array.isArray(status?.conditions) ? (status.conditions as Condition[]) : [];
}

/** Whether the object needs waiting for at all (a ConfigMap, a Service, a Role: applied is done). */
export function waitsForReadiness(o: { kind: string }, live?: Json): boolean {
  if (["StatefulSet", "DaemonSet", "Job", "CustomResourceDefinition"].includes(o.kind)) return true;
  return live !== undefined && conditions(live).some((c) => c.type === "Ready");
}

/** The status of a live object, as its kind's controller reports it. */
export function objectStatus(kind: string, live: Json): ObjectStatus {
  const meta = (live.metadata ?? {}) as { generation?: number };
  const spec = (live.spec ?? {}) as Json;
  const status = (live.status ?? {}) as Json;
  const observed = num(status.observedGeneration) >= num(meta.generation);
  const cond = (type: string) => conditions(live).find((c) => c.type === type);
  switch (kind) {
    case "StatefulSet": {
      const want = typeof spec.replicas === "number" ? spec.replicas : 1;
      const ready = num(status.readyReplicas);
      const updated = status.updateRevision === undefined || status.currentRevision === status.updateRevision || num(status.updatedReplicas) >= want;
      return { ready: observed && ready >= want && updated, summary: `${ready}/${want} ready` };
    }
    case "DaemonSet": {
      const want = num(status.desiredNumberScheduled);
      const ready = num(status.numberReady);
      return { ready: observed && ready >= want && num(status.updatedNumberScheduled) >= want, summary: `${ready}/${want} ready` };
    }
    case "Job": {
      const failed = cond("Failed");
      if (failed?.status === "True") return { ready: false, failed: true, summary: `Job failed: ${failed.reason ?? ""}${failed.message ? ` (${failed.message})` : ""}` };
      return { ready: cond("Complete")?.status === "True", summary: `${num(status.succeeded)} succeeded, ${num(status.active)} running` };
    }
    case "CustomResourceDefinition": {
      const established = cond("Established")?.status === "True";
      return { ready: established, summary: established ? "established" : `not established yet${cond("NamesAccepted")?.status === "False" ? `: ${cond("NamesAccepted")?.message ?? "names not accepted"}` : ""}` };
    }
    default: {
      const ready = cond("Ready");
      return { ready: ready?.status === "True", summary: ready ? `Ready=${ready.status ?? "?"}${ready.reason ? ` (${ready.reason}${ready.message ? `: ${ready.message}` : ""})` : ""}` : "no Ready condition yet" };
    }
  }
}

export interface WaitForObjectsOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  pollMs?: number;
  onProgress?: (summary: string) => void;
}

const describe = (o: KubeObject) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;

/** Resolves when every object (but Deployments) that has a readiness is ready; throws a DevupError that names what is not, with its pods' states. */
export async function waitForObjects(kube: Kube, objects: readonly KubeObject[], options: WaitForObjectsOptions): Promise<void> {
  const pollMs = options.pollMs ?? 1000;
  const deadline = Date.now() + options.timeoutMs;
  // Deployments go through waitForRollout (rollout.ts), which diagnoses them as it watches.
  const pending = objects.filter((o) => o.kind !== "Deployment");
  let last = new Map<string, string>();
  for (;;) {
    options.signal?.throwIfAborted();
    const waiting = new Map<string, string>();
    for (const o of pending) {
      let live: Json;
      try {
        live = (await kube.objects.read({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name, namespace: o.metadata.namespace } })) as unknown as Json;
      } catch (error) {
        if (httpStatus(error) === 404) {
          waiting.set(describe(o), "does not exist");
          continue;
        }
        throw kubeError(`reading ${describe(o)}`, error, kube.server);
      }
      if (!waitsForReadiness(o, live)) continue;
      const s = objectStatus(o.kind, live);
      if (s.failed) throw new DevupError("rollout", `${describe(o)}: ${s.summary}`, { details: await podStates(kube, o, live), hint: "its pods' logs say more: dev logs SERVICE" });
      if (!s.ready) waiting.set(describe(o), s.summary);
    }
    if (waiting.size === 0) return;
    const summary = [...waiting].map(([what, s]) => `${what}: ${s}`).join("; ");
    if (summary !== [...last].map(([what, s]) => `${what}: ${s}`).join("; ")) options.onProgress?.(summary);
    last = waiting;
    if (Date.now() >= deadline) {
      const details: string[] = [];
      for (const o of pending.filter((x) => waiting.has(describe(x)))) {
        const live = (await kube.objects.read({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name, namespace: o.metadata.namespace } }).catch(() => undefined)) as unknown as Json | undefined;
        details.push(`${describe(o)}: ${waiting.get(describe(o))}`, ...(live ? await podStates(kube, o, live) : []));
      }
      throw new DevupError("rollout", `not ready after ${Math.round(options.timeoutMs / 1000)} s: ${[...waiting.keys()].join(", ")}`, { details, hint: "dev logs SERVICE shows the containers' output; kubectl describe says more about each object" });
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** The pods a workload's selector matches, one line each in words (waiting reason, restarts). */
async function podStates(kube: Kube, o: KubeObject, live: Json): Promise<string[]> {
  const matchLabels = ((live.spec as Json | undefined)?.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels;
  if (!matchLabels || !o.metadata.namespace) return [];
  try {
    const pods = await kube.core.listNamespacedPod({ namespace: o.metadata.namespace, labelSelector: labelSelector(matchLabels) });
    return (pods.items as Pod[]).map((p) => `  ${podLine(p)}`);
  } catch {
    return [];
  }
}
