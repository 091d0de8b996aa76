/**
 * The planner: what the spec wants, given what is observed, as plain data. No I/O, no clock: the
 * executor (../execute.ts) observes (content tags, build and delivery results, what the API server
 * refused), plans again, and acts on the plan's next step, as Tilt's `NextTargetToBuild(state)`.
 *
 * A service is, in order of precedence:
 * - `kept`: its image failed or the cluster refused its objects; what runs now stays (its objects
 *   are not applied, but nothing of it is pruned);
 * - `blocked`: a service it depends on (directly or not) is kept or blocked;
 * - `pending`: its image is not in the cluster yet (to build or to deliver);
 * - `deploy`: its objects are known and are applied once the services it waits for are ready.
 *
 * A service with `manifests:` is pending until its own objects are rendered (observed: `rendered`).
 */
import { namespaceObject, serviceObjectRefs, type KubeObject, type ObjectRef, type Slot } from "@devup/manifests";
import type { ResolvedProject, ResolvedService } from "@devup/project";
import { imageRequest } from "../image-request.ts";
import type { Rendered } from "../own-objects.ts";
import type { ImageRequest } from "../ports.ts";
import { objectsForService } from "./objects.ts";

export interface Observed {
  /** The content tag of each built service's image (a hash of its build inputs). */
  tags?: Readonly<Record<string, string>>;
  /** Exact references to deploy instead of building (`dev env promote`); a built service's is still delivered. */
  pinned?: Readonly<Record<string, string>>;
  /** Images that exist after the build step (built now or already there), by service. */
  built?: Readonly<Record<string, string>>;
  /** The reference the cluster pulls, by service, once delivered. */
  delivered?: Readonly<Record<string, string>>;
  /** Services whose image failed or whose objects the cluster refused, with why. */
  failed?: Readonly<Record<string, string>>;
  /** The real command of each service whose sync rules restart its process (see restart-wrapper.ts). */
  restart?: ReadonlyMap<string, string[]>;
  /** The own objects of services with manifests:, as rendered (nothing injected), by service. */
  rendered?: Rendered;
  /** Plan only these services (an update of one service); default: all. */
  only?: readonly string[];
  /** blueGreen and canary services: the slot their Service selects now and the release it runs (absent: not deployed yet). */
  slots?: Readonly<Record<string, { slot: Slot; template?: string | undefined }>>;
}

type ServiceAction = "deploy" | "pending" | "blocked" | "kept";

interface ServicePlan {
  name: string;
  action: ServiceAction;
  /** Why the service is pending, blocked or kept. */
  why?: string | undefined;
  /** The image reference its Deployment runs (deploy only). */
  image?: string | undefined;
  /** Its objects in apply order (deploy only). */
  objects: KubeObject[];
  /** Its objects are the user's own (manifests:): CRDs are applied first, readiness is read from each object's status. */
  own: boolean;
  /** The services whose readiness it waits for (its `dependsOn`). */
  waitsFor: string[];
  /** Why it waits, in words: which services, and the file that says so. */
  waits?: string | undefined;
  /** 0 for a service without dependencies; otherwise one more than its deepest dependency. */
  layer: number;
}

export interface Plan {
  namespace: KubeObject;
  /** Content tags to tag first: built services whose tag is not observed yet. */
  toTag: ImageRequest[];
  /** Images to build (or find already built: the images port skips what exists). */
  builds: Array<ImageRequest & { tag: string }>;
  /** Images to make available to the cluster's nodes. */
  deliveries: Array<{ service: string; tag: string }>;
  /** Every planned service, in dependency order (layer by layer, by name within a layer). */
  services: ServicePlan[];
  /** The services by layer: a layer's services wait only for services of earlier layers. */
  layers: string[][];
  /** What a prune keeps: every planned service's objects (a service without objects now: which objects it owns). */
  keep: ObjectRef[];
  /** False while a planned manifests service's objects are not known (not rendered): `keep` would miss them, so no prune. */
  prunable: boolean;
}

export function plan(project: ResolvedProject, observed: Observed = {}): Plan {
  const only = observed.only ? new Set(observed.only) : undefined;
  const planned = project.services.filter((s) => !only || only.has(s.name));
  const failed = observed.failed ?? {};
  const layerOf = layers(project);

  const toTag: ImageRequest[] = [];
  const builds: Plan["builds"] = [];
  const deliveries: Plan["deliveries"] = [];
  const image = new Map<string, string | undefined>();
  const waitingFor = new Map<string, string>();
  for (const s of planned) {
    if (failed[s.name] !== undefined) continue;
    const req = imageRequest(project, s);
    const pinned = observed.pinned?.[s.name];
    if (!req) {
      image.set(s.name, pinned ?? s.image);
      continue;
    }
    const delivered = observed.delivered?.[s.name];
    const built = pinned ?? observed.built?.[s.name];
    const tag = observed.tags?.[s.name];
    if (delivered) image.set(s.name, delivered);
    else if (built) {
      deliveries.push({ service: s.name, tag: built });
      waitingFor.set(s.name, `${built} is to be delivered to the cluster`);
    } else if (tag) {
      builds.push({ ...req, tag });
      waitingFor.set(s.name, `its image ${tag} is to be built`);
    } else {
      toTag.push(req);
      waitingFor.set(s.name, "its image's content tag is not known yet");
    }
  }

  const byName = new Map(project.services.map((s) => [s.name, s]));
  const broken = new Set<string>();
  const ordered = [...planned].sort((a, b) => layerOf.get(a.name)! - layerOf.get(b.name)! || a.name.localeCompare(b.name));
  const services = ordered.map((s): ServicePlan => {
    const waits = s.dependsOn.length ? `waiting for ${s.dependsOn.join(", ")} to be ready (dependsOn in ${s.specFile})` : undefined;
    const base = { name: s.name, objects: [], own: s.manifests !== undefined, waitsFor: [...s.dependsOn], waits, layer: layerOf.get(s.name)! };
    if (failed[s.name] !== undefined) {
      broken.add(s.name);
      return { ...base, action: "kept", why: failed[s.name] };
    }
    // Only planned services can be broken: an update of one service does not wait for the others.
    const brokenDeps = s.dependsOn.filter((d) => broken.has(d));
    if (brokenDeps.length) {
      broken.add(s.name);
      return { ...base, action: "blocked", why: `waiting for ${brokenDeps.join(", ")}, which failed` };
    }
    const ref = image.get(s.name);
    const rendered = observed.rendered?.[s.name];
    if (waitingFor.has(s.name) || (!ref && !s.manifests)) return { ...base, action: "pending", why: waitingFor.get(s.name) };
    if (s.manifests && !rendered) return { ...base, action: "pending", why: `its objects (manifests: in ${s.specFile}) are to be rendered` };
    try {
      return { ...base, action: "deploy", image: ref, objects: objectsForService(project, s, ref, observed.restart?.get(s.name), rendered, observed.slots?.[s.name]) };
    } catch (error) {
      // Its objects do not refer to its built image (the executor reports this when it renders).
      broken.add(s.name);
      return { ...base, action: "kept", why: error instanceof Error ? error.message : String(error) };
    }
  });

  // What a service not deployed now owns: its generated objects' names, or its own objects as last rendered.
  const owned = (p: ServicePlan): ObjectRef[] => {
    const rendered = observed.rendered?.[p.name];
    return [...serviceObjectRefs(project, byName.get(p.name)!), ...(rendered ?? []).map(ownRef)];
  };
  // A blueGreen (or canary) service deploys one slot and keeps the other (the live one, or the idle one for dev rollback).
  const blueGreen = (p: ServicePlan) => (byName.get(p.name)?.rollout.strategy ?? "rolling") !== "rolling";
  const keep: ObjectRef[] = [
    ref(namespaceObject(project)),
    ...services.flatMap((p) => (p.action === "deploy" ? [...p.objects.map(p.own ? ownRef : ref), ...(blueGreen(p) ? serviceObjectRefs(project, byName.get(p.name)!) : [])] : owned(p))),
  ];
  const prunable = planned.every((s) => !s.manifests || observed.rendered?.[s.name] !== undefined);
  const layerList: string[][] = [];
  for (const p of services) (layerList[p.layer] ??= []).push(p.name);
  return { namespace: namespaceObject(project), toTag, builds, deliveries, services, layers: layerList.filter((l) => l !== undefined), keep, prunable };
}

const ref = (o: KubeObject): ObjectRef => ({ kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace });
/** The user's own objects keep their API version: a prune lists their kinds (custom resources) by it. */
const ownRef = (o: KubeObject): ObjectRef => ({ ...ref(o), apiVersion: o.apiVersion });

/** Each service's dependency layer (the spec is validated: no cycles, every dependency exists). */
function layers(project: ResolvedProject): Map<string, number> {
  const byName = new Map(project.services.map((s) => [s.name, s]));
  const out = new Map<string, number>();
  const visit = (s: ResolvedService, path: ReadonlySet<string>): number => {
    const known = out.get(s.name);
    if (known !== undefined) return known;
    if (path.has(s.name)) throw new Error(`dependency cycle through ${s.name}`);
    const deps = s.dependsOn.map((d) => byName.get(d)).filter((d) => d !== undefined);
    const layer = deps.length ? 1 + Math.max(...deps.map((d) => visit(d, new Set([...path, s.name])))) : 0;
    out.set(s.name, layer);
    return layer;
  };
  for (const s of project.services) visit(s, new Set());
  return out;
}
