/**
 * `dev up` once: cluster → images → delivery → apply (dependencies first) → rollout → forwards.
 * Every step compares what the spec wants with what exists and acts only on a difference: an
 * image whose content tag exists is not built, an image the nodes have is not delivered.
 */
import { DevupError, toErrorReport } from "@devup/errors";
import { buildObjects, type KubeObject } from "@devup/manifests";
import type { ResolvedProject, ResolvedService } from "@devup/project";
import { ForwardSet } from "./forwards.ts";
import { imageRequest } from "./image-request.ts";
import { ensureIngress, type IngressOutcome } from "./ingress.ts";
import { applyAndWaitOwn, ownObjectsOf, serviceOf } from "./own-objects.ts";
import { restartCommands, wrapForRestart } from "./restart-wrapper.ts";
import type { ForwardHandle, ImageRequest, Ports } from "./ports.ts";
import { applyAndWait, buildProgress } from "./steps.ts";
import type { Store } from "./store.ts";

export interface UpOptions {
  /** Start port-forwards for ports with `forward`. */
  forward: boolean;
  /** What triggered this update (shown as "why"). */
  trigger?: string[];
  /** Exact image references to deploy for these services instead of building (`dev env promote`); still delivered to the cluster. */
  images?: Readonly<Record<string, string>> | undefined;
  now?: () => number;
}

export interface UpResult {
  ready: string[];
  failed: string[];
  /** The forwards open now (live: the watch loop adds and removes entries through `forwardSet`). */
  forwards: ForwardHandle[];
  forwardSet: ForwardSet;
  /** The ingress controller, when this project has one installed (kind clusters with routes). */
  ingress?: IngressOutcome | undefined;
}

export async function up(project: ResolvedProject, ports: Ports, store: Store, options: UpOptions): Promise<UpResult> {
  const now = options.now ?? Date.now;
  const fail = (service: string, error: unknown) => store.dispatch({ type: "failed", service, error: toErrorReport(error) });

  // 1. Cluster.
  const clusterStart = now();
  store.dispatch({ type: "cluster", status: "creating" });
  try {
    const { context, created } = await ports.cluster.ensure();
    store.dispatch({ type: "cluster", status: "ready", context, message: created ? "created" : "reused", durationMs: now() - clusterStart });
  } catch (error) {
    store.dispatch({ type: "cluster", status: "failed", message: toErrorReport(error).message });
    throw error;
  }
  for (const s of project.services) store.dispatch({ type: "update-start", service: s.name, trigger: options.trigger ?? ["dev up"], at: now() });

  // 2. Images: content tags, then build only what is missing.
  const images: Record<string, string> = {};
  const requests: Array<ImageRequest & { tag: string }> = [];
  const pinned: Array<{ service: string; tag: string }> = [];
  for (const s of project.services) {
    const given = options.images?.[s.name];
    const req = imageRequest(project, s);
    // A pinned image of a built service is delivered like a build; a prebuilt one is pulled by the nodes.
    if (given && req) pinned.push({ service: s.name, tag: given });
    else if (given || !req) images[s.name] = given ?? s.image!;
    else requests.push({ ...req, tag: await ports.images.tag(req) });
  }
  const failed = new Set<string>();
  const results = await ports.images.ensure(requests, buildProgress(store));
  for (const r of results) {
    store.dispatch({ type: "build", service: r.service, action: r.action, image: r.tag, durationMs: r.durationMs });
    if (r.action === "failed") {
      failed.add(r.service);
      fail(r.service, r.error);
    } else images[r.service] = r.tag;
  }

  // 3. Delivery of built images into the cluster.
  const built = [...requests.filter((r) => !failed.has(r.service)), ...pinned];
  for (const r of built) store.dispatch({ type: "phase", service: r.service, phase: "delivering" });
  if (built.length) {
    const delivered = new Map((await ports.cluster.deliver(built.map((r) => r.tag))).map((d) => [d.image, d]));
    for (const r of built) {
      const d = delivered.get(r.tag);
      if (!d) continue;
      if (d.note) store.dispatch({ type: "log", level: "warn", message: `[${r.service}] ${d.note}` });
      if (d.action === "failed") {
        failed.add(r.service);
        fail(r.service, d.error);
        continue;
      }
      images[r.service] = d.ref;
      store.dispatch({ type: "delivery", service: r.service, action: d.action, image: d.ref, method: d.method, durationMs: d.durationMs });
    }
  }

  // The ingress controller comes up beside the services (after the services' delivery, so the
  // two deliveries do not run at once).
  const ingress = ensureIngress(project, ports, store, now);

  // 4. Objects. Services whose image failed keep what runs now: their objects are not applied,
  //    but they stay in the desired set so that pruning leaves them alone.
  const restartable = await restartCommands(project, ports, Object.fromEntries(requests.filter((r) => !failed.has(r.service)).map((r) => [r.service, r.tag])));
  // Services with manifests: their own objects (own-objects.ts); one whose image failed is not rendered.
  const own = await ownObjectsOf(project, ports.manifests, images, failed);
  const objects = wrapForRestart([...buildObjects(project, { ...Object.fromEntries([...failed].map((f) => [f, "devup.invalid/unbuilt:failed"])), ...images }), ...own.objects], restartable);
  for (const [service, error] of own.failed) {
    failed.add(service);
    fail(service, error);
  }
  const byService = new Map<string, KubeObject[]>();
  for (const o of objects) {
    const name = serviceOf(o);
    if (name) byService.set(name, [...(byService.get(name) ?? []), o]);
  }
  await ports.kube.apply(objects.filter((o) => o.kind === "Namespace"));
  // Without a manifests service's objects (image or render failed) the desired set is incomplete: no prune.
  const incomplete = project.services.some((s) => s.manifests && failed.has(s.name));
  const pruned = incomplete ? [] : await ports.kube.prune(objects);
  if (pruned.length) store.dispatch({ type: "pruned", objects: pruned });

  // A server-side dry run of every service's objects before anything is applied: what the API
  // server refuses is reported against the service's spec file, and that service is not applied.
  await Promise.all(
    project.services
      .filter((s) => !failed.has(s.name))
      .map(async (s) => {
        try {
          // Custom resources of a CRD in the same set cannot be checked before the CRD exists.
          const defined = new Set((byService.get(s.name) ?? []).filter((o) => o.kind === "CustomResourceDefinition").map((o) => (o.spec as { names?: { kind?: string } }).names?.kind));
          await ports.kube.apply((byService.get(s.name) ?? []).filter((o) => !defined.has(o.kind)), { dryRun: true });
        } catch (error) {
          failed.add(s.name);
          const report = toErrorReport(error);
          fail(
            s.name,
            new DevupError("kube", `${s.name}: the cluster refused what ${s.specFile} describes: ${report.message}`, {
              details: report.details,
              hint: `fix ${s.specFile} (nothing of ${s.name} was applied)`,
            }),
          );
        }
      }),
  );

  // 5. Apply and roll out, each service as soon as its dependencies are ready.
  const tasks = new Map<string, Promise<boolean>>();
  const rollout = (s: ResolvedService): Promise<boolean> => {
    const existing = tasks.get(s.name);
    if (existing) return existing;
    const task = (async () => {
      if (failed.has(s.name)) return false;
      if (s.dependsOn.length) store.dispatch({ type: "phase", service: s.name, phase: "waiting" });
      const deps = await Promise.all(s.dependsOn.map((d) => rollout(project.services.find((x) => x.name === d)!)));
      const broken = s.dependsOn.filter((_, i) => !deps[i]);
      if (broken.length) {
        store.dispatch({ type: "phase", service: s.name, phase: "blocked", message: `waiting for ${broken.join(", ")}, which failed` });
        return false;
      }
      try {
        if (s.manifests) await applyAndWaitOwn(ports, store, project.namespace, s.name, byService.get(s.name) ?? [], now);
        else await applyAndWait(ports, store, project.namespace, s.name, byService.get(s.name) ?? [], now);
        return true;
      } catch (error) {
        fail(s.name, error);
        return false;
      }
    })();
    tasks.set(s.name, task);
    return task;
  };
  const outcomes = await Promise.all(project.services.map(async (s) => [s.name, await rollout(s)] as const));
  const ready = outcomes.filter(([, ok]) => ok).map(([n]) => n);
  const ingressOutcome = await ingress;

  // 6. Forwards for the services that are ready.
  const forwardSet = new ForwardSet(ports, store);
  if (options.forward) await forwardSet.reconcile(project, (name) => ready.includes(name));
  return { ready, failed: outcomes.filter(([, ok]) => !ok).map(([n]) => n), forwards: forwardSet.handles, forwardSet, ...(ingressOutcome ? { ingress: ingressOutcome } : {}) };
}
