/** Spec + environment + image references → every Kubernetes object devup applies, in apply order. */
import { createHash } from "node:crypto";
import { objectKey, type ResolvedProject, type ResolvedService } from "@devup/project";
import { projectLabels, selectorLabels, serviceLabels } from "./labels.ts";
import { canaryObjects } from "./canary.ts";
import { ANNOTATIONS, LABELS, type KubeObject, type ObjectRef } from "./types.ts";
import { claimName, configMapName, deployment, secretName } from "./workload.ts";

/** Image reference per service name (content-tagged for built services). */
export type ImageRefs = Readonly<Record<string, string>>;

/** Apply order, in steps of 10 (also the rendered files' prefix); claims come before the pods that mount them. */
const KIND_RANK: Readonly<Record<string, number>> = {
  Namespace: 0,
  ServiceAccount: 5,
  Role: 6,
  RoleBinding: 7,
  ConfigMap: 10,
  Secret: 20,
  PersistentVolumeClaim: 25,
  Service: 30,
  PodDisruptionBudget: 35,
  Deployment: 40,
  StatefulSet: 40,
  DaemonSet: 40,
  Job: 45,
  CronJob: 45,
  Ingress: 50,
  TraefikService: 50,
  IngressRoute: 55,
};

export function kindOrder(kind: string): number {
  return KIND_RANK[kind] ?? 60;
}

function meta(project: ResolvedProject, service: string, name: string) {
  return { name, namespace: project.namespace, labels: serviceLabels(project, service) };
}

function configMap(project: ResolvedProject, s: ResolvedService): KubeObject | undefined {
  if (!s.config) return undefined;
  const data: Record<string, string> = { ...s.config.values };
  for (const [key, file] of Object.entries(s.config.files)) data[objectKey(key)] = file.content;
  return { apiVersion: "v1", kind: "ConfigMap", metadata: meta(project, s.name, configMapName(s.name)), data: sortKeys(data) };
}

function secret(project: ResolvedProject, s: ResolvedService): KubeObject | undefined {
  if (!s.secrets) return undefined;
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(s.secrets.values)) data[key] = Buffer.from(value, "utf8").toString("base64");
  for (const [key, file] of Object.entries(s.secrets.files)) data[objectKey(key)] = Buffer.from(file.content, "utf8").toString("base64");
  return { apiVersion: "v1", kind: "Secret", metadata: meta(project, s.name, secretName(s.name)), type: "Opaque", data: sortKeys(data) };
}

/**
 * A claim per volume, ReadWriteOnce. Without storageClass in the spec, storageClassName stays unset so
 * the cluster's default StorageClass (kind: local-path) provisions it. Pruning never deletes claims:
 * only `dev down --volumes` does.
 */
function claims(project: ResolvedProject, s: ResolvedService): KubeObject[] {
  return s.volumes.map((v) => ({
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { ...meta(project, s.name, claimName(s.name, v.name)), labels: { ...serviceLabels(project, s.name), [LABELS.volume]: v.name } },
    spec: {
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: v.size } },
      ...(v.storageClass ? { storageClassName: v.storageClass } : {}),
    },
  }));
}

function service(project: ResolvedProject, s: ResolvedService): KubeObject | undefined {
  if (s.ports.length === 0) return undefined;
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(project, s.name, s.name),
    spec: {
      type: "ClusterIP",
      selector: selectorLabels(project, s.name),
      ports: s.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: p.protocol })),
    },
  };
}

function ingress(project: ResolvedProject, s: ResolvedService): KubeObject | undefined {
  if (s.ingress.length === 0) return undefined;
  const hosts = [...new Set(s.ingress.map((r) => r.host))];
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: meta(project, s.name, s.name),
    spec: {
      ingressClassName: project.cluster.ingress.className,
      rules: hosts.map((host) => ({
        host,
        http: {
          paths: s.ingress
            .filter((r) => r.host === host)
            .map((r) => ({ path: r.path, pathType: "Prefix", backend: { service: { name: s.name, port: { name: r.port } } } })),
        },
      })),
    },
  };
}

/**
 * replicas > 1: a PodDisruptionBudget, so a node drain (kubectl drain, dev drill node) evicts the
 * service's pods a few at a time (default maxUnavailable 1) and waits for replacements to be ready.
 */
function disruptionBudget(project: ResolvedProject, s: ResolvedService): KubeObject | undefined {
  if (!s.disruptionBudget) return undefined;
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { ...meta(project, s.name, s.name), annotations: { [ANNOTATIONS.specFile]: s.specFile } },
    spec: { ...s.disruptionBudget, selector: { matchLabels: selectorLabels(project, s.name) } },
  };
}

/** The project's own objects, shared by its services: its namespace. */
export function namespaceObject(project: ResolvedProject): KubeObject {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name: project.namespace, labels: projectLabels(project) } };
}

export type Slot = "blue" | "green";

/** The other slot: where a blueGreen release goes while `live` serves. */
export const otherSlot = (live: Slot | undefined): Slot => (live === "blue" ? "green" : "blue");

/** blueGreen: a slot's Deployment name. */
export const slotDeploymentName = (service: string, slot: Slot) => `${service}-${slot}`;

/** blueGreen: the Service that reaches the slot being released, before (or without) the switch. */
export const previewServiceName = (service: string) => `${service}-preview`;

/**
 * blueGreen: the service's Deployment as the slot's (its own name, the slot label on its pods and in
 * its selector, the verify check and gate as annotations), the Service switched to the slot, and a
 * preview Service that reaches the slot whatever the Service selects.
 */
function blueGreen(objects: KubeObject[], s: ResolvedService, slot: Slot, preview = true): KubeObject[] {
  return objects.flatMap((o) => {
    if (o.kind === "Deployment") {
      const spec = o.spec as { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> } } };
      // What the slot runs, without the slot: the same release lands in the slot that already runs it (no switch).
      const templateHash = createHash("sha256").update(JSON.stringify(spec.template)).digest("hex").slice(0, 16);
      const annotations = { ...o.metadata.annotations, [ANNOTATIONS.template]: templateHash, ...(s.rollout.verify ? { [ANNOTATIONS.verify]: `${s.rollout.verify.port} ${s.rollout.verify.path}` } : {}), ...(s.rollout.promote === "manual" ? { [ANNOTATIONS.promote]: "manual" } : {}) };
      return [
        {
          ...o,
          metadata: { ...o.metadata, name: slotDeploymentName(s.name, slot), labels: { ...o.metadata.labels, [LABELS.slot]: slot }, annotations },
          spec: {
            ...spec,
            selector: { matchLabels: { ...spec.selector.matchLabels, [LABELS.slot]: slot } },
            template: { ...spec.template, metadata: { ...spec.template.metadata, labels: { ...spec.template.metadata.labels, [LABELS.slot]: slot } } },
          },
        },
      ];
    }
    if (o.kind === "Service" && o.metadata.name === s.name) {
      const spec = o.spec as { selector: Record<string, string> };
      const switched = { ...o, spec: { ...spec, selector: { ...spec.selector, [LABELS.slot]: slot } } };
      return preview ? [switched, { ...switched, metadata: { ...o.metadata, name: previewServiceName(s.name) } }] : [switched];
    }
    return [o];
  });
}

/**
 * One service's objects (config, secrets, claims, Service, Deployment running `image`, Ingress), in
 * apply order. blueGreen: the Deployment of `slot` (default blue), the Service switched to it, a preview Service.
 * canary: the same slot Deployment and Service, a Service per slot, and an IngressRoute over weighted
 * TraefikServices in place of the Ingress (canary.ts), all traffic on `slot`.
 */
export function serviceObjects(project: ResolvedProject, s: ResolvedService, image: string, options: { slot?: Slot | undefined } = {}): KubeObject[] {
  // A service with manifests: brings its own objects (rendered and injected: inject.ts); only its
  // Secret (secrets:) is generated, so secret values never have to be written into YAML.
  if (s.manifests) return [secret(project, s)].filter((o) => o !== undefined);
  const objects = [configMap(project, s), secret(project, s), ...claims(project, s), service(project, s), disruptionBudget(project, s), deployment(project, s, image), ingress(project, s)].filter((o) => o !== undefined);
  const slot = options.slot ?? "blue";
  if (s.rollout.strategy === "canary") return sortObjects(canaryObjects(blueGreen(objects, s, slot, false), s, slot));
  return sortObjects(s.rollout.strategy === "blueGreen" ? blueGreen(objects, s, slot) : objects);
}

/**
 * Which objects a service owns (kind, namespace, name), without building them: what a prune must leave
 * alone for a service whose image is not known now (its build failed: what runs stays).
 */
export function serviceObjectRefs(project: ResolvedProject, s: ResolvedService): ObjectRef[] {
  if (s.manifests) return [secret(project, s)].filter((o) => o !== undefined).map((o) => ({ kind: o.kind, name: o.metadata.name, namespace: project.namespace }));
  const named = [configMap(project, s), secret(project, s), ...claims(project, s), service(project, s), disruptionBudget(project, s), ingress(project, s)].filter((o) => o !== undefined);
  const refs = named.map((o) => ({ kind: o.kind, name: o.metadata.name, namespace: project.namespace }));
  const slots = (["blue", "green"] as const).map((slot) => ({ kind: "Deployment", name: slotDeploymentName(s.name, slot), namespace: project.namespace }));
  if (s.rollout.strategy === "canary") {
    // Both slots, a Service per slot, and the route objects in place of the Ingress.
    return [
      ...refs.filter((r) => r.kind !== "Ingress"),
      ...slots,
      ...canaryObjects(named.filter((o) => o.kind !== "Deployment"), s, "blue").filter((o) => !named.includes(o)).map((o) => ({ kind: o.kind, name: o.metadata.name, namespace: project.namespace })),
    ];
  }
  if (s.rollout.strategy !== "blueGreen") return [...refs, { kind: "Deployment", name: s.name, namespace: project.namespace }];
  // Both slots and the preview: the idle slot is what `dev rollback` switches back to.
  return [
    ...refs,
    { kind: "Service", name: previewServiceName(s.name), namespace: project.namespace },
    ...slots,
  ];
}

/** Every object of the project (each service with its image reference), in apply order. */
export function buildObjects(project: ResolvedProject, images: ImageRefs): KubeObject[] {
  return sortObjects([
    namespaceObject(project),
    ...project.services.flatMap((s) => {
      const image = images[s.name] ?? s.image;
      if (!image) throw new Error(`no image reference for service ${s.name}`);
      return serviceObjects(project, s, image);
    }),
  ]);
}

/** Apply order: by kind, then by name. */
export function sortObjects(objects: readonly KubeObject[]): KubeObject[] {
  return [...objects].sort((a, b) => kindOrder(a.kind) - kindOrder(b.kind) || a.metadata.name.localeCompare(b.metadata.name));
}

/** A copy of the objects with secret values replaced, for output that people read. */
export function redactSecrets(objects: readonly KubeObject[]): KubeObject[] {
  return objects.map((o) => {
    if (o.kind !== "Secret") return o;
    // A user's own Secret may carry stringData too: neither kind of value is shown.
    const keys = [...Object.keys((o.data ?? {})), ...Object.keys((o.stringData ?? {}))];
    const { data: _data, stringData: _stringData, ...rest } = o;
    return {
      ...rest,
      metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, [ANNOTATIONS.redacted]: "true" } },
      stringData: Object.fromEntries([...new Set(keys)].sort().map((k) => [k, "<redacted>"])),
    };
  });
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
