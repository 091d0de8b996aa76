/** Steps that `up` (all services) and `updateService` (one service) share. */
import { toErrorReport } from "@devup/errors";
import type { KubeObject } from "@devup/manifests";
import type { ImagesPort, Ports } from "./ports.ts";
import type { Store } from "./store.ts";

/** Build progress from the images port into the store. */
export function buildProgress(store: Store): Parameters<ImagesPort["ensure"]>[1] {
  return {
    start: (service) => store.dispatch({ type: "phase", service, phase: "building" }),
    line: (service, line) => store.dispatch({ type: "build-line", service, line }),
  };
}

/**
 * Apply a service's objects and wait until its Deployment is ready; throws what went wrong.
 * Either way the deploy is recorded in the service's history (for `dev rollback`).
 */
export async function applyAndWait(ports: Ports, store: Store, namespace: string, service: string, objects: readonly KubeObject[], now: () => number, signal?: AbortSignal): Promise<void> {
  store.dispatch({ type: "phase", service, phase: "applying" });
  await ports.kube.apply(objects);
  store.dispatch({ type: "applied", service, objects: objects.length });
  store.dispatch({ type: "phase", service, phase: "starting" });
  try {
    await ports.kube.waitReady(namespace, service, (ready, desired) => store.dispatch({ type: "replicas", service, ready, desired }), signal);
  } catch (error) {
    if (signal?.aborted) throw error; // stopped by the user: the rollout goes on in the cluster, unrecorded
    await recordDeploy(ports, store, namespace, service, objects, "failed", now, toErrorReport(error).message);
    throw error;
  }
  store.dispatch({ type: "ready", service, at: now() });
  await recordDeploy(ports, store, namespace, service, objects, "ready", now);
}

/** A history that cannot be written costs the rollback, not the deploy: said, not thrown. */
export async function recordDeploy(ports: Ports, store: Store, namespace: string, service: string, objects: readonly KubeObject[], outcome: "ready" | "failed", now: () => number, message?: string): Promise<void> {
  if (!ports.history) return;
  const trigger = store.state.services[service]?.trigger ?? [];
  try {
    await ports.history.record(namespace, service, objects, { trigger: trigger.length ? trigger : ["dev up"], outcome, at: now(), message });
  } catch (error) {
    store.dispatch({ type: "log", level: "warn", message: `[${service}] deploy history not recorded (dev rollback will not know this deploy): ${toErrorReport(error).message}` });
  }
}
