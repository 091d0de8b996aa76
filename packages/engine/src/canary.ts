/**
 * A canary release in the engine: the new version is up and ready in its slot beside the stable one
 * (steps.ts applied it with 0 % of the ingress traffic); each step first checks it (verify:, through
 * the slot's own Service: no share of the traffic goes to a version failing its check), then moves its
 * share of the ingress traffic (Traefik's weighted TraefikService), and with promote: manual holds
 * there for `dev promote`. At 100 the Service switches to it
 * too: it is the stable version, and the old slot stays up, idle (as blueGreen's does: `dev rollback`
 * and the next release find it there). A failed check sends all traffic back to the stable slot and
 * scales the canary to 0.
 */
import { DevupError, errorMessage } from "@devup/errors";
import { ANNOTATIONS, slotServiceName, splitTraffic, type KubeObject, type Slot } from "@devup/manifests";
import type { Ports } from "./ports.ts";
import type { Store } from "./store.ts";

export interface Release {
  slot: Slot;
  deployment: KubeObject;
  /** The Service switched to the slot. */
  switch: KubeObject | undefined;
  verify?: { port: string; path: string } | undefined;
  manual: boolean;
  /** canary: the traffic steps (percent); undefined for blueGreen. */
  steps?: number[] | undefined;
}

/** The canary steps its Deployment carries ("10,50,100"); undefined when it is not a canary's. */
export function canarySteps(deployment: KubeObject): number[] | undefined {
  const steps = deployment.metadata.annotations?.[ANNOTATIONS.steps];
  return steps ? steps.split(",").map(Number) : undefined;
}

/** The weighted TraefikServices among a service's objects (what a step re-weights). */
export function weightedServices(objects: readonly KubeObject[]): KubeObject[] {
  return objects.filter((o) => o.kind === "TraefikService");
}

interface Canary {
  namespace: string;
  service: string;
  release: Release;
  /** The service's objects (the TraefikServices to re-weight). */
  objects: readonly KubeObject[];
  /** The slot that serves now. */
  stable: Slot;
}

/**
 * The canary share of the ingress traffic when the canary slot already runs this very release (a
 * `dev up` again while it is held at a step): that share, so the release goes on from there instead
 * of starting over; 0 otherwise.
 */
export async function inFlight(ports: Ports, namespace: string, service: string, release: Release): Promise<number> {
  const now = await ports.kube.canaryWeight?.(namespace, service, release.slot);
  const template = release.deployment.metadata.annotations?.[ANNOTATIONS.template];
  return now && now.weight > 0 && now.weight < 100 && template !== undefined && now.template === template ? now.weight : 0;
}

/**
 * Steps through the release (see the module comment); throws a DevupError when a check fails, after
 * sending the traffic back. `from`: the share it has already (a release in flight): with promote:
 * manual it stays held there, otherwise it goes on with the next steps.
 */
export async function runCanary(ports: Ports, store: Store, c: Canary, signal?: AbortSignal, from = 0): Promise<void> {
  const { service, release, stable } = c;
  const say = (message: string) => store.dispatch({ type: "log", level: "info", message: `[${service}] ${message}` });
  const steps = release.steps ?? [100];
  if (from > 0 && release.manual && steps.length > 1) {
    store.dispatch({ type: "release", service, stable, canary: release.slot, weight: from });
    say(`still holding at ${from} %: dev promote ${service} moves ${release.slot} to ${steps.find((w) => w > from) ?? 100} %, dev abort ${service} sends all traffic back to ${stable}`);
    return;
  }
  for (const weight of steps.filter((w) => w > from)) {
    await check(ports, store, c, weight, signal);
    await ports.kube.apply([...splitTraffic(c.objects, service, { stable, canary: release.slot, weight }), ...(weight === 100 && release.switch ? [release.switch] : [])]);
    if (weight === 100) {
      store.dispatch({ type: "release", service, stable: release.slot, weight: 0 });
      say(`${release.slot} takes all the traffic (the Service switched to it); ${stable} stays up, idle, for dev rollback`);
      return;
    }
    store.dispatch({ type: "release", service, stable, canary: release.slot, weight });
    const next = steps.find((w) => w > weight);
    if (release.manual) {
      say(`holding at ${weight} %: dev promote ${service} moves ${release.slot} to ${next} %, dev abort ${service} sends all traffic back to ${stable}`);
      return;
    }
  }
}

/** The check before a step (verify:, through the canary slot's own Service); on failure the traffic goes back and the canary is scaled to 0. */
async function check(ports: Ports, store: Store, c: Canary, weight: number, signal: AbortSignal | undefined): Promise<void> {
  const { namespace, service, release, stable } = c;
  if (!release.verify) return;
  const probe = ports.kube.check?.bind(ports.kube);
  if (!probe) throw new DevupError("internal", `${service}: the Kubernetes port cannot check a canary release`);
  try {
    await probe(namespace, slotServiceName(service, release.slot), release.verify.port, release.verify.path);
  } catch (error) {
    if (signal?.aborted) throw error;
    await ports.kube.apply([...splitTraffic(c.objects, service, { stable, canary: release.slot, weight: 0 }), { ...release.deployment, spec: { ...(release.deployment.spec as object), replicas: 0 } }]);
    store.dispatch({ type: "release", service, stable, weight: 0 });
    throw new DevupError("rollout", `${service}: the canary (${release.slot}) failed its check GET ${release.verify.path} before the ${weight} % step: ${errorMessage(error)}; all traffic is back on ${stable} and ${release.slot} was scaled to 0`, {
      hint: `fix it and save (or dev up): the next release goes to ${release.slot} again`,
    });
  }
}
