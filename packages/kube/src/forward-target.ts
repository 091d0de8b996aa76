/**
 * Pure choice of where one forwarded connection goes: a ready pod behind the Service right now, and
 * the container port its targetPort means in that pod.
 */
import { matchesLabels } from "./selector.ts";
import type { Pod, Service, ServicePort } from "./types.ts";

export type PodChoice =
  | { kind: "pod"; pod: string; port: number }
  /** Nothing to connect to right now; it may come (pods starting, a rollout). */
  | { kind: "waiting"; reason: string }
  /** Not going to work without a change to the Service or the request. */
  | { kind: "error"; reason: string };

export interface ChooseOptions {
  /** The pod used last: keep using it while it is ready, so one client talks to one pod. */
  prefer?: string | undefined;
  /** Pods that just failed a connection: only used when no other pod is ready. */
  avoid?: ReadonlySet<string> | undefined;
}

/** Ready, and not on its way out. */
export function isPodReady(pod: Pod): boolean {
  return !pod.metadata?.deletionTimestamp && pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;
}

/** The Service port `port` means: its name, or its number ("8080" counts as a number). */
export function findServicePort(service: Service, port: string | number): ServicePort | undefined {
  const ports = service.spec?.ports ?? [];
  const byName = typeof port === "string" ? ports.find((p) => p.name === port) : undefined;
  if (byName) return byName;
  const number = typeof port === "number" ? port : /^\d+$/.test(port) ? Number(port) : undefined;
  return number === undefined ? undefined : ports.find((p) => p.port === number);
}

/** The container port a Service port's targetPort means in `pod` (a named targetPort is looked up in its containers). */
export function resolveTargetPort(servicePort: ServicePort, pod: Pod): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === "number") return target;
  if (target === undefined) return undefined;
  if (/^\d+$/.test(target)) return Number(target);
  for (const container of pod.spec?.containers ?? []) {
    const found = container.ports?.find((p) => p.name === target && (p.protocol ?? "TCP") === "TCP");
    if (found?.containerPort !== undefined) return found.containerPort;
  }
  return undefined;
}

function describePorts(service: Service): string {
  const ports = (service.spec?.ports ?? []).map((p) => (p.name ? `${p.name} (${p.port})` : String(p.port)));
  return ports.length > 0 ? ports.join(", ") : "none";
}

function byAge(a: Pod, b: Pod): number {
  const ta = a.metadata?.creationTimestamp ?? "";
  const tb = b.metadata?.creationTimestamp ?? "";
  return ta === tb ? (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? "") : ta.localeCompare(tb);
}

export function choosePod(serviceName: string, service: Service | undefined, pods: readonly Pod[], port: string | number, options: ChooseOptions = {}): PodChoice {
  if (!service) return { kind: "waiting", reason: `service ${serviceName} does not exist (yet)` };
  const selector = service.spec?.selector ?? {};
  if (Object.keys(selector).length === 0) return { kind: "error", reason: `service ${serviceName} has no selector, so there are no pods to forward to` };
  const servicePort = findServicePort(service, port);
  if (!servicePort) return { kind: "error", reason: `service ${serviceName} has no port ${port} (its ports: ${describePorts(service)})` };
  if ((servicePort.protocol ?? "TCP") !== "TCP") return { kind: "error", reason: `port ${port} of service ${serviceName} is ${servicePort.protocol}; only TCP can be forwarded` };

  const selected = pods.filter((p) => matchesLabels(p.metadata?.labels, selector));
  const ready = selected.filter(isPodReady).sort(byAge);
  if (ready.length === 0) {
    const reason = selected.length === 0 ? `no pod matches service ${serviceName}` : `no ready pod behind service ${serviceName} (${selected.length} not ready)`;
    return { kind: "waiting", reason };
  }
  const usable = ready.flatMap((pod) => {
    const target = resolveTargetPort(servicePort, pod);
    return target === undefined ? [] : [{ pod: pod.metadata?.name ?? "", port: target }];
  });
  if (usable.length === 0) {
    return { kind: "error", reason: `the pods of service ${serviceName} have no container port named "${String(servicePort.targetPort)}"` };
  }
  const choice =
    usable.find((u) => u.pod === options.prefer && !options.avoid?.has(u.pod)) ?? usable.find((u) => !options.avoid?.has(u.pod)) ?? usable[0];
  return choice ? { kind: "pod", ...choice } : { kind: "waiting", reason: `no ready pod behind service ${serviceName}` };
}
