/**
 * Whether a Service has ready endpoints: a Deployment can be available a moment before its
 * Service's EndpointSlices list the new pods (and before kube-proxy routes to them), so a client
 * started right then — `dev ci`'s test Jobs — could find nothing behind the name.
 */
import { DevupError } from "@devup/errors";
import { httpStatus, kubeError } from "./api-error.ts";
import type { Kube } from "./kube.ts";

interface EndpointSlice {
  endpoints?: Array<{ conditions?: { ready?: boolean | null } }> | null;
}

/** Pure: how many ready endpoints the slices of one Service list (a missing `ready` counts as ready, as the API says). */
export function readyEndpoints(slices: readonly EndpointSlice[]): number {
  return slices.reduce((n, s) => n + (s.endpoints ?? []).filter((e) => e.conditions?.ready !== false).length, 0);
}

/**
 * An answer worth asking again within the wait: the API server busy (429 from its priority and
 * fairness, 5xx) or the connection dropped (no status) — under load, one such answer must not fail a
 * service that is up.
 */
const transient = (error: unknown): boolean => {
  const status = httpStatus(error);
  return status === undefined || status === 429 || status >= 500;
};

async function countReady(kube: Kube, namespace: string, service: string, lastChance: boolean): Promise<number> {
  try {
    const list = await kube.objects.list("discovery.k8s.io/v1", "EndpointSlice", namespace, undefined, undefined, undefined, undefined, `kubernetes.io/service-name=${service}`);
    return readyEndpoints(list.items as EndpointSlice[]);
  } catch (error) {
    if (httpStatus(error) === 404 || (!lastChance && transient(error))) return 0;
    throw kubeError(`reading the endpoints of Service ${namespace}/${service}`, error, kube.server);
  }
}

/**
 * Resolves once each Service lists at least `minimum[service]` ready endpoints; throws a DevupError
 * naming those that do not within `timeoutMs`. `onWaiting` hears, once, which still list too few
 * after the first look; `signal` stops waiting (rejects with its reason).
 */
export async function waitForEndpoints(
  kube: Kube,
  namespace: string,
  minimum: Readonly<Record<string, number>>,
  timeoutMs: number,
  options: { signal?: AbortSignal | undefined; onWaiting?: ((services: string[]) => void) | undefined } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let missing = Object.keys(minimum);
  let told = false;
  for (;;) {
    options.signal?.throwIfAborted();
    const lastChance = Date.now() >= deadline;
    const counts = await Promise.all(missing.map(async (s) => [s, await countReady(kube, namespace, s, lastChance)] as const));
    missing = counts.filter(([s, n]) => n < (minimum[s] ?? 1)).map(([s]) => s);
    if (!missing.length) return;
    if (!told) options.onWaiting?.(missing);
    told = true;
    if (Date.now() >= deadline) {
      throw new DevupError("rollout", `the Services ${missing.join(", ")} list fewer ready pods than their Deployments run, ${Math.round(timeoutMs / 1000)} s after the Deployments were ready`, {
        hint: `kubectl get endpointslices -n ${namespace} shows what they list; a Service whose selector matches no pod labels never does`,
      });
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
