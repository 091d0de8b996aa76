/**
 * canary releases as objects. A canary service runs in the same two slots as a blueGreen one
 * (<svc>-blue / <svc>-green Deployments, the Service <svc> selecting the stable slot); in place of its
 * Ingress, an IngressRoute (Traefik's CRD provider) sends the same hosts and paths to a TraefikService
 * of kind weighted over one Service per slot (<svc>-blue, <svc>-green), so the ingress traffic can be
 * split between the two versions. In-cluster traffic (the Service <svc>) moves at the last step. Pure.
 */
import type { ResolvedService } from "@devup/project";
import { TRAEFIK_API_VERSION } from "./traefik-crds.ts";
import { ANNOTATIONS, LABELS, type KubeObject } from "./types.ts";

type Slot = "blue" | "green";

/** canary: the Service that reaches only one slot's pods (what the weighted service splits over, and what verify: checks). */
export const slotServiceName = (service: string, slot: Slot) => `${service}-${slot}`;

/** canary: the traffic split: `weight` percent of the ingress traffic to `canary`, the rest to `stable`. */
export interface TrafficSplit {
  stable: Slot;
  canary: Slot;
  weight: number;
}

/** The TraefikService a route on `port` goes through: <svc> when all routes use one port, <svc>-<port> otherwise. */
function weightedName(s: ResolvedService, port: string): string {
  return new Set(s.ingress.map((r) => r.port)).size > 1 ? `${s.name}-${port}` : s.name;
}

/** Traefik's rule for a route: its host (a `*.` wildcard as a one-label regexp) and path prefix. */
function rule(host: string, path: string): string {
  const hostRule = host.startsWith("*.") ? `HostRegexp(\`^[^.]+\\.${host.slice(2).replaceAll(".", "\\.")}$\`)` : `Host(\`${host}\`)`;
  return `${hostRule} && PathPrefix(\`${path}\`)`;
}

/** The weighted services for `split` (a Service at weight 0 is left out: Traefik refuses a Service with no ready pod, which a canary at 0 is). */
function weighted(name: string, port: string, split: TrafficSplit): Array<{ name: string; port: string; weight: number }> {
  return [
    { name: slotServiceName(name, split.stable), port, weight: 100 - split.weight },
    { name: slotServiceName(name, split.canary), port, weight: split.weight },
  ].filter((w) => w.weight > 0);
}

/**
 * From a service's blueGreen objects without the preview Service (slot Deployment, Service switched to
 * `slot`, Ingress): the canary's. The Deployment carries the steps; a Service per slot is added; the Ingress to an IngressRoute over TraefikServices sending all traffic to `slot` (the end
 * state of the release: the engine holds it back and applies each step's split first).
 */
export function canaryObjects(objects: readonly KubeObject[], s: ResolvedService, slot: Slot): KubeObject[] {
  const service = objects.find((o) => o.kind === "Service" && o.metadata.name === s.name);
  const ingress = objects.find((o) => o.kind === "Ingress" && o.metadata.name === s.name);
  const out = objects.filter((o) => o !== ingress).map((o) =>
    o.kind === "Deployment" && o.metadata.labels?.[LABELS.slot] ? { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, [ANNOTATIONS.steps]: (s.rollout.steps ?? []).join(",") } } } : o,
  );
  if (service) {
    const spec = service.spec as { selector: Record<string, string> };
    for (const each of ["blue", "green"] as const) {
      out.push({ ...service, metadata: { ...service.metadata, name: slotServiceName(s.name, each), labels: { ...service.metadata.labels, [LABELS.slot]: each } }, spec: { ...spec, selector: { ...spec.selector, [LABELS.slot]: each } } });
    }
  }
  if (!ingress) return out;
  const meta = (name: string) => ({ name, namespace: ingress.metadata.namespace, labels: { ...ingress.metadata.labels } });
  const ports = [...new Set(s.ingress.map((r) => r.port))];
  const all: TrafficSplit = { stable: slot, canary: slot === "blue" ? "green" : "blue", weight: 0 };
  for (const port of ports) {
    const name = weightedName(s, port);
    out.push({ apiVersion: TRAEFIK_API_VERSION, kind: "TraefikService", metadata: meta(name), spec: { weighted: { services: weighted(s.name, port, all) } } });
  }
  out.push({
    apiVersion: TRAEFIK_API_VERSION,
    kind: "IngressRoute",
    metadata: meta(s.name),
    spec: {
      entryPoints: ["web"],
      routes: s.ingress.map((r) => ({ match: rule(r.host, r.path), kind: "Rule", services: [{ name: weightedName(s, r.port), kind: "TraefikService" }] })),
    },
  });
  return out;
}

/** The service's TraefikServices among `objects`, re-weighted for `split`: what the engine applies at each step. */
export function splitTraffic(objects: readonly KubeObject[], service: string, split: TrafficSplit): KubeObject[] {
  return objects
    .filter((o) => o.kind === "TraefikService" && o.metadata.labels?.[LABELS.name] === service)
    .map((o) => {
      const [first] = (o.spec as { weighted: { services: Array<{ port: string }> } }).weighted.services;
      return { ...o, spec: { weighted: { services: weighted(service, first?.port ?? "", split) } } };
    });
}

/** The canary share of ingress traffic the TraefikService `object` gives (by slot), from its weights; undefined when it is not devup's. */
export function splitOf(object: KubeObject | { spec?: unknown }, service: string): Partial<Record<Slot, number>> {
  const services = (object.spec as { weighted?: { services?: Array<{ name?: string; weight?: number }> } } | undefined)?.weighted?.services ?? [];
  const total = services.reduce((sum, w) => sum + (w.weight ?? 1), 0);
  const out: Partial<Record<Slot, number>> = {};
  for (const w of services) {
    for (const slot of ["blue", "green"] as const) if (w.name === slotServiceName(service, slot) && total > 0) out[slot] = Math.round(((w.weight ?? 1) * 100) / total);
  }
  return out;
}
