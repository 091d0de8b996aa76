/**
 * The user's own objects (rendered from YAML, kustomize or Helm) made devup's: the built image put in
 * place of every reference to the service's image name, matched by repository the way Tilt and
 * Skaffold match (any tag or digest), and devup's labels added so that prune and `dev down` find them.
 */
import type { ImageField, ResolvedProject, ResolvedService } from "@devup/project";
import { projectLabels } from "./labels.ts";
import { kindOrder } from "./objects.ts";
import { LABELS, type KubeObject } from "./types.ts";

/** Where each workload kind keeps its pod template's spec. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ["spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** `docker.io/library/redis:7` → `redis`; `localhost:5001/acme/api:abc@sha256:…` → `localhost:5001/acme/api`. */
export function imageRepository(ref: string): string {
  let repo = ref.split("@")[0]!;
  const slash = repo.lastIndexOf("/");
  const colon = repo.lastIndexOf(":");
  if (colon > slash) repo = repo.slice(0, colon);
  return repo.replace(/^(docker\.io|index\.docker\.io)\//, "").replace(/^library\//, "");
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function at(root: unknown, path: readonly string[]): unknown {
  let here = root;
  for (const key of path) here = isObject(here) ? here[key] : undefined;
  return here;
}

/** Every (holder, key) a dotted image-field path with `[*]` / `[n]` steps leads to. */
function fieldSlots(root: unknown, path: string): Array<[Json, string]> {
  const steps = path.split(".");
  let here: unknown[] = [root];
  for (const [i, step] of steps.entries()) {
    const m = /^([^[]+)(?:\[(\*|\d+)\])?$/.exec(step);
    if (!m) return [];
    const [, key, index] = m as unknown as [string, string, string | undefined];
    if (i === steps.length - 1 && index === undefined) return here.filter(isObject).map((h) => [h, key] as [Json, string]);
    const next = here.filter(isObject).map((h) => h[key]);
    here = index === undefined ? next : next.flatMap((v): unknown[] => (Array.isArray(v) ? (index === "*" ? (v as unknown[]) : [(v as unknown[])[Number(index)]]) : []));
  }
  return [];
}

/** Kinds that live outside namespaces: the built-in ones devup knows, and those of CRDs in the set with scope Cluster. */
const CLUSTER_KINDS = [
  "Namespace", "Node", "PersistentVolume", "StorageClass", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding", "PriorityClass",
  "IngressClass", "RuntimeClass", "CSIDriver", "APIService", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
];

export function clusterScopedKinds(objects: readonly KubeObject[]): Set<string> {
  const kinds = new Set(CLUSTER_KINDS);
  for (const o of objects) {
    if (o.kind !== "CustomResourceDefinition") continue;
    const spec = o.spec as { scope?: unknown; names?: { kind?: unknown } } | undefined;
    if (spec?.scope === "Cluster" && typeof spec.names?.kind === "string") kinds.add(spec.names.kind);
  }
  return kinds;
}

/**
 * Apply order of the user's objects: CRDs, then other cluster-scoped objects, then namespaced ones in
 * the generated objects' kind order (ConfigMaps and Secrets before workloads), custom resources last.
 */
export function userObjectOrder(objects: readonly KubeObject[]): KubeObject[] {
  const cluster = clusterScopedKinds(objects);
  const rank = (o: KubeObject) => (o.kind === "CustomResourceDefinition" ? 0 : cluster.has(o.kind) ? 1 : 2);
  return [...objects].sort((a, b) => rank(a) - rank(b) || kindOrder(a.kind) - kindOrder(b.kind));
}

export interface InjectResult {
  objects: KubeObject[];
  /** Problems in words (a built image no object refers to); empty when all is well. */
  errors: string[];
}

/**
 * A copy of `objects` with `image` (the built, content-tagged reference; undefined for a service
 * with no build) in place of every reference to the service's image name, devup's labels on every
 * object and pod template, and the namespace set on objects that have none and are namespaced.
 */
export function injectObjects(project: ResolvedProject, service: ResolvedService, objects: readonly KubeObject[], image: string | undefined): InjectResult {
  const m = service.manifests;
  const clusterScoped = clusterScopedKinds(objects);
  if (!m) return { objects: [...objects], errors: [] };
  const wanted = imageRepository(m.imageName);
  let replaced = 0;
  const swap = (holder: Json, key: string) => {
    const ref = holder[key];
    if (typeof ref !== "string" || imageRepository(ref) !== wanted) return;
    if (image !== undefined) holder[key] = image;
    replaced++;
  };
  const out = objects.map((original) => {
    const o = structuredClone(original);
    // devup.dev/service says which service the object is part of, unless app.kubernetes.io/name already does.
    const own: Record<string, string> = o.metadata.labels?.[LABELS.name] === service.name ? {} : { [LABELS.service]: service.name };
    o.metadata = { ...o.metadata, labels: { ...o.metadata.labels, ...projectLabels(project), ...own } };
    if (o.metadata.namespace === undefined && !clusterScoped.has(o.kind)) o.metadata.namespace = project.namespace;
    const podPath = POD_SPEC_PATHS[o.kind];
    if (podPath) {
      const pod = at(o, podPath);
      if (isObject(pod)) {
        for (const list of ["containers", "initContainers"]) {
          const containers = pod[list];
          if (Array.isArray(containers)) for (const c of containers) if (isObject(c)) swap(c, "image");
        }
      }
      labelPodTemplate(o, podPath, project, service);
    }
    for (const field of m.imageFields as readonly ImageField[]) {
      if (field.kind === o.kind) for (const [holder, key] of fieldSlots(o, field.path)) swap(holder, key);
    }
    return o;
  });
  const errors: string[] = [];
  if (image !== undefined && replaced === 0) {
    const fields = m.imageFields.length ? `, nor ${m.imageFields.map((f) => `${f.kind} ${f.path}`).join(", ")}` : "";
    errors.push(
      `no object of ${service.name} refers to the image ${JSON.stringify(m.imageName)} (looked for it, with any tag, in the containers and initContainers of Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs and CronJobs${fields}); ` +
        `use image: ${m.imageName} in your objects, set build.image to the name they use, or name a custom resource's field in manifests.imageFields`,
    );
  }
  return { objects: out, errors };
}

/**
 * Pod templates get the service's selector labels (so live sync, logs and forwards find the pods),
 * except a label the workload's own selector sets otherwise: changing that would orphan its pods.
 */
function labelPodTemplate(o: KubeObject, podPath: readonly string[], project: ResolvedProject, service: ResolvedService): void {
  const metaPath = [...podPath.slice(0, -1), "metadata"];
  const holder = at(o, podPath.slice(0, -1));
  if (!isObject(holder)) return;
  const selector = at(o, [...podPath.slice(0, -2), "selector", "matchLabels"]);
  const meta = isObject(at(o, metaPath)) ? (at(o, metaPath) as Json) : (holder.metadata = {} as Json);
  const current = isObject(meta.labels) ? (meta.labels as Record<string, string>) : {};
  const add: Record<string, string> = { [LABELS.name]: service.name, [LABELS.project]: project.name };
  const sel = isObject(selector) ? selector : {};
  meta.labels = { ...current, ...Object.fromEntries(Object.entries(add).filter(([k]) => sel[k] === undefined || sel[k] === add[k])) };
}
