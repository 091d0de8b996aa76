/** Steps that `up` (all services) and `updateService` (one service) share. */
import { DevupError, errorMessage, toErrorReport } from "@devup/errors";
import { ANNOTATIONS, LABELS, previewServiceName, splitTraffic, type KubeObject, type Slot } from "@devup/manifests";
import { canarySteps, inFlight, runCanary, weightedServices, type Release } from "./canary.ts";
import type { ImagesPort, Ports } from "./ports.ts";
import type { Store } from "./store.ts";

/**
 * Waits for `work` unless `signal` aborts first (then rejects with its reason at once). For steps
 * whose port takes no signal (delivery, apply): Ctrl-C does not wait for them; what they started
 * ends with the process (its requests and child processes go with it).
 */
export function unlessAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(signal.reason as Error);
    signal.addEventListener("abort", stop, { once: true });
    work.then(
      (value) => (signal.removeEventListener("abort", stop), resolve(value)),
      (error: unknown) => (signal.removeEventListener("abort", stop), reject(error as Error)),
    );
  });
}

/** Build progress from the images port into the store. */
export function buildProgress(store: Store): Parameters<ImagesPort["ensure"]>[1] {
  return {
    start: (service) => store.dispatch({ type: "phase", service, phase: "building" }),
    line: (service, line) => store.dispatch({ type: "build-line", service, line }),
  };
}

/**
 * Apply a service's objects and wait until its Deployment is ready (`own`, a manifests service's
 * objects: CRDs applied and Established first, then every object ready by its status); throws what went wrong.
 * Either way the deploy is recorded in the service's history (for `dev rollback`): `record`, when
 * the history should hold other objects than those applied (a rollback keeps the current Secret).
 * `allAtOnce`: a canary release (a redeploy of an earlier one) takes all the traffic in one step.
 */
export async function applyAndWait(
  ports: Ports,
  store: Store,
  namespace: string,
  service: string,
  objects: readonly KubeObject[],
  now: () => number,
  signal?: AbortSignal,
  record: readonly KubeObject[] = objects,
  own = false,
  allAtOnce = false,
): Promise<number | undefined> {
  store.dispatch({ type: "phase", service, phase: "applying" });
  const waitObjects = ports.kube.waitObjects?.bind(ports.kube);
  if (own && !waitObjects) throw new DevupError("internal", `${service}: the Kubernetes port cannot wait for a manifests service's objects`);
  const progress = (summary: string) => store.dispatch({ type: "log", level: "info", message: `[${service}] waiting: ${summary}` });
  // The user's own objects: CRDs first, waited for until Established, so their custom resources are known.
  const crds = own ? objects.filter((o) => o.kind === "CustomResourceDefinition") : [];
  if (crds.length) {
    await unlessAborted(ports.kube.apply(crds), signal);
    await waitObjects!(crds, progress, signal);
  }
  // blueGreen and canary: the release comes up in its slot while the Service still selects the live one; the switch waits for ready and verify.
  const release = own ? undefined : slotRelease(objects, service, allAtOnce);
  const live = release ? await ports.kube.liveSlot?.(namespace, service) : undefined;
  const switching = release && live && live.slot !== release.slot ? live.slot : undefined;
  // Held back until the switch: the Service switched to the new slot, and (canary) its all-traffic weights; the canary starts at 0 %.
  // blueGreen's first release: nothing serves yet, and the Service waits for its check all the same.
  const first = release && !release.steps && !live && release.switch ? [release.switch] : [];
  const held = switching && release ? [release.switch, ...(release.steps ? weightedServices(objects) : [])].filter((o) => o !== undefined) : first;
  // canary: a release already in flight in its slot (dev up again, nothing changed) goes on from its share; a new one starts at 0 %.
  const resume = switching && release?.steps ? await inFlight(ports, namespace, service, release) : 0;
  const start = switching && release?.steps ? splitTraffic(objects, service, { stable: switching, canary: release.slot, weight: resume }) : [];
  const applied = objects.filter((o) => o.kind !== "CustomResourceDefinition" || !crds.length).filter((o) => !held.includes(o));
  await unlessAborted(ports.kube.apply([...applied, ...start]), signal);
  store.dispatch({ type: "applied", service, objects: objects.length });
  store.dispatch({ type: "phase", service, phase: "starting" });
  try {
    // Generated objects: the service's Deployment; the user's own: every workload, Job and object with a Ready condition.
    if (own) await waitObjects!(objects, progress, signal);
    else await ports.kube.waitReady(namespace, release?.deployment.metadata.name ?? service, (ready, desired) => store.dispatch({ type: "replicas", service, ready, desired }), signal);
    if (release?.steps) {
      if (switching) await runCanary(ports, store, { namespace, service, release, objects, stable: switching }, signal, resume);
      else store.dispatch({ type: "release", service, stable: release.slot, weight: 0 });
    } else if (release?.switch && held.length) await switchSlot(ports, store, namespace, service, release, release.switch, switching, signal);
    // Ready means reachable by name: the Service lists the pods before a dependent (or a test) is started.
    // (A blueGreen switch or canary step is checked through a Service by its verify: instead.)
    const served = own || release ? 0 : servedReplicas(objects, service);
    if (served > 0 && ports.kube.waitServed) {
      const waiting = () => store.dispatch({ type: "log", level: "info", message: `[${service}] waiting: the Service ${service} does not list the ready pods yet` });
      await ports.kube.waitServed(namespace, service, served, waiting, signal);
    }
  } catch (error) {
    if (signal?.aborted) throw error; // stopped by the user: the rollout goes on in the cluster, unrecorded
    await recordDeploy(ports, store, namespace, service, record, "failed", now, toErrorReport(error).message);
    throw error;
  }
  store.dispatch({ type: "ready", service, at: now() });
  return recordDeploy(ports, store, namespace, service, record, "ready", now);
}

/** How many ready pods the service's own Service should list once it is ready: 0 when it has no Service with a selector or runs no pod. */
function servedReplicas(objects: readonly KubeObject[], service: string): number {
  const svc = objects.find((o) => o.kind === "Service" && o.metadata.name === service);
  const selector = (svc?.spec as { selector?: Record<string, string> } | undefined)?.selector;
  if (!selector || !Object.keys(selector).length) return 0;
  const deployment = objects.find((o) => o.kind === "Deployment" && o.metadata.name === service);
  const replicas = (deployment?.spec as { replicas?: number } | undefined)?.replicas;
  return deployment ? (replicas ?? 1) : 0;
}

/** A blueGreen or canary service's release, from its objects: the slot's Deployment (labelled with the slot), the Service switched to it, the canary steps. */
function slotRelease(objects: readonly KubeObject[], service: string, allAtOnce: boolean): Release | undefined {
  const deployment = objects.find((o) => o.kind === "Deployment" && o.metadata.labels?.[LABELS.slot] !== undefined);
  if (!deployment) return undefined;
  const slot = deployment.metadata.labels![LABELS.slot] as Slot;
  const verify = deployment.metadata.annotations?.[ANNOTATIONS.verify]?.split(" ");
  return {
    slot,
    deployment,
    switch: objects.find((o) => o.kind === "Service" && o.metadata.name === service),
    verify: verify && verify.length === 2 ? { port: verify[0]!, path: verify[1]! } : undefined,
    manual: deployment.metadata.annotations?.[ANNOTATIONS.promote] === "manual",
    // A redeploy (dev rollback) of a canary takes all the traffic in one step.
    steps: allAtOnce && canarySteps(deployment) ? [100] : canarySteps(deployment),
  };
}

/**
 * The release is ready in its slot: check it through the preview Service (verify:), then switch the
 * Service to it at once (promote: manual: leave that to `dev promote`). A failed check scales the
 * release to 0 and throws: traffic stays on the live slot.
 */
async function switchSlot(ports: Ports, store: Store, namespace: string, service: string, release: Release, held: KubeObject, live: Slot | undefined, signal: AbortSignal | undefined): Promise<void> {
  const say = (message: string) => store.dispatch({ type: "log", level: "info", message: `[${service}] ${message}` });
  if (release.verify) {
    const check = ports.kube.check?.bind(ports.kube);
    if (!check) throw new DevupError("internal", `${service}: the Kubernetes port cannot check a blueGreen release`);
    try {
      await unlessAborted(check(namespace, previewServiceName(service), release.verify.port, release.verify.path), signal);
      say(`${release.slot} passed its check (GET ${release.verify.path})`);
    } catch (error) {
      if (signal?.aborted) throw error;
      await ports.kube.apply([{ ...release.deployment, spec: { ...(release.deployment.spec as object), replicas: 0 } }]);
      throw new DevupError("rollout", `${service}: the new release (${release.slot}) failed its check GET ${release.verify.path}: ${errorMessage(error)}; ${live ? `traffic stays on ${live}` : "nothing serves yet"} and ${release.slot} was scaled to 0`, {
        hint: `fix it and save (or dev up): the next release goes to ${release.slot} again`,
      });
    }
  }
  if (release.manual && live) {
    say(`${release.slot} is ready${release.verify ? " and checked" : ""} beside ${live}, reachable as Service ${previewServiceName(service)}: dev promote ${service} switches the traffic to it, dev abort ${service} scales it to 0`);
    return;
  }
  await unlessAborted(ports.kube.apply([held]), signal);
  say(live ? `switched the traffic from ${live} to ${release.slot} (${live} stays up, idle, for dev rollback)` : `serving from ${release.slot}`);
}

/** A history that cannot be written costs the rollback, not the deploy: said, not thrown. Returns the revision recorded. */
async function recordDeploy(ports: Ports, store: Store, namespace: string, service: string, objects: readonly KubeObject[], outcome: "ready" | "failed", now: () => number, message?: string): Promise<number | undefined> {
  if (!ports.history) return undefined;
  const trigger = store.state.services[service]?.trigger ?? [];
  try {
    return await ports.history.record(namespace, service, objects, { trigger: trigger.length ? trigger : ["dev up"], outcome, at: now(), message });
  } catch (error) {
    store.dispatch({ type: "log", level: "warn", message: `[${service}] deploy history not recorded (dev rollback will not know this deploy): ${toErrorReport(error).message}` });
    return undefined;
  }
}
