/** Steps that `up` (all services) and `updateService` (one service) share. */
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

/** Apply a service's objects and wait until its Deployment is ready; throws what went wrong. */
export async function applyAndWait(ports: Ports, store: Store, namespace: string, service: string, objects: readonly KubeObject[], now: () => number): Promise<void> {
  store.dispatch({ type: "phase", service, phase: "applying" });
  await ports.kube.apply(objects);
  store.dispatch({ type: "applied", service, objects: objects.length });
  store.dispatch({ type: "phase", service, phase: "starting" });
  await ports.kube.waitReady(namespace, service, (ready, desired) => store.dispatch({ type: "replicas", service, ready, desired }));
  store.dispatch({ type: "ready", service, at: now() });
}
