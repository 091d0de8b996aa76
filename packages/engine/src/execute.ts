/**
 * The executor: runs plans (plan/plan.ts) through the ports and reports through the Store. Each
 * step observes (content tags, build and delivery results, what the API server refuses) and plans
 * again; what a service waits for comes from the plan (its layer and `waitsFor`), not from code here.
 * `up`, `updateService`, the watch loop, `ci`, `env promote` and `rollback` all deploy through it.
 */
import { DevupError, toErrorReport } from "@devup/errors";
import type { KubeObject } from "@devup/manifests";
import type { ResolvedProject } from "@devup/project";
import { renderOwn } from "./own-objects.ts";
import { objectsForService } from "./plan/objects.ts";
import { plan, type Observed, type Plan } from "./plan/plan.ts";
import type { DeliveryResult, Ports } from "./ports.ts";
import { restartCommands } from "./restart-wrapper.ts";
import { applyAndWait, buildProgress, unlessAborted } from "./steps.ts";
import type { Store } from "./store.ts";

const fail = (store: Store, service: string, error: unknown) => store.dispatch({ type: "failed", service, error: toErrorReport(error) });

/**
 * Content tags, builds and deliveries, until the plan wants none; then the restart wrapper's commands
 * of the images built, and the own objects of services with manifests: rendered. A failure is dispatched and observed (the service is then kept), not thrown;
 * `signal` stops it between steps and within a build (rejects).
 */
export async function executeImages(project: ResolvedProject, ports: Ports, store: Store, start: Observed, signal?: AbortSignal): Promise<Observed> {
  const failed: Record<string, string> = { ...start.failed };
  const tags: Record<string, string> = { ...start.tags };
  const built: Record<string, string> = { ...start.built };
  const delivered: Record<string, string> = { ...start.delivered };
  const observed = (): Observed => ({ ...start, tags, built, delivered, failed });
  const failWith = (service: string, error: unknown) => {
    failed[service] = toErrorReport(error).message;
    fail(store, service, error);
  };

  for (const req of plan(project, observed()).toTag) tags[req.service] = await ports.images.tag(req);

  const { builds } = plan(project, observed());
  const results = builds.length ? await ports.images.ensure(builds, buildProgress(store), signal) : [];
  signal?.throwIfAborted();
  for (const b of builds) {
    const r = results.find((x) => x.service === b.service);
    if (!r) {
      failWith(b.service, new DevupError("internal", `no build result for ${b.service}`));
      continue;
    }
    store.dispatch({ type: "build", service: r.service, action: r.action, image: r.tag, durationMs: r.durationMs });
    if (r.action === "failed") failWith(r.service, r.error);
    else built[r.service] = r.tag;
  }

  const { deliveries } = plan(project, observed());
  for (const d of deliveries) store.dispatch({ type: "phase", service: d.service, phase: "delivering" });
  // A stop does not wait for a delivery to finish (it goes on in the background; nothing is applied).
  const answers = new Map<string, DeliveryResult>(deliveries.length ? (await unlessAborted(ports.cluster.deliver(deliveries.map((d) => d.tag)), signal)).map((d) => [d.image, d]) : []);
  signal?.throwIfAborted();
  for (const { service, tag } of deliveries) {
    const d = answers.get(tag);
    if (!d) {
      failWith(service, new DevupError("internal", `no delivery result for ${service}`));
      continue;
    }
    if (d.note) store.dispatch({ type: "log", level: "warn", message: `[${service}] ${d.note}` });
    if (d.action === "failed") {
      failWith(service, d.error);
      continue;
    }
    delivered[service] = d.ref;
    store.dispatch({ type: "delivery", service, action: d.action, image: d.ref, method: d.method, durationMs: d.durationMs });
  }

  // The restart wrapper needs the real command of the images just built (their ENTRYPOINT and CMD).
  const only = start.only ? { ...project, services: project.services.filter((s) => start.only!.includes(s.name)) } : project;
  const restart = await restartCommands(only, ports, Object.fromEntries(Object.entries(built).filter(([s]) => start.pinned?.[s] === undefined)));
  signal?.throwIfAborted();

  // Services with manifests: their own objects rendered (helm template, kubectl kustomize, the YAML
  // files), then checked: a built image no object refers to is that service's failure.
  const toRender = only.services.filter((s) => s.manifests && failed[s.name] === undefined);
  const { rendered, failed: notRendered } = await renderOwn(project, ports.manifests, toRender, signal);
  signal?.throwIfAborted();
  for (const [service, error] of notRendered) failWith(service, error);
  for (const s of toRender.filter((x) => rendered[x.name])) {
    try {
      objectsForService(project, s, s.build ? delivered[s.name] : (start.pinned?.[s.name] ?? s.image), undefined, rendered[s.name]);
    } catch (error) {
      failWith(s.name, error);
      delete rendered[s.name];
    }
  }
  return { ...observed(), restart, rendered: { ...start.rendered, ...rendered }, slots: await observeSlots(only, ports) };
}

/** blueGreen and canary services: which slot each one's Service selects now (and the release it runs). */
async function observeSlots(project: ResolvedProject, ports: Ports): Promise<NonNullable<Observed["slots"]>> {
  const liveSlot = ports.kube.liveSlot?.bind(ports.kube);
  if (!liveSlot) return {};
  const entries = await Promise.all(project.services.filter((s) => s.rollout.strategy !== "rolling").map(async (s) => [s.name, await liveSlot(project.namespace, s.name)] as const));
  return Object.fromEntries(entries.filter((e): e is [string, { slot: "blue" | "green"; template?: string | undefined }] => e[1] !== undefined));
}

/**
 * A server-side dry run of each deployable service's objects: what the API server refuses is
 * reported against the service's spec file, and that service is kept (nothing of it applied).
 */
export async function executeDryRun(project: ResolvedProject, ports: Ports, store: Store, current: Plan, observed: Observed): Promise<Observed> {
  const failed: Record<string, string> = { ...observed.failed };
  await Promise.all(
    current.services
      .filter((p) => p.action === "deploy")
      .map(async (p) => {
        try {
          // Custom resources of a CRD in the same set cannot be checked before the CRD exists.
          const defined = new Set(p.objects.filter((o) => o.kind === "CustomResourceDefinition").map((o) => (o.spec as { names?: { kind?: string } } | undefined)?.names?.kind));
          await ports.kube.apply(p.objects.filter((o) => !defined.has(o.kind)), { dryRun: true });
        } catch (error) {
          const specFile = project.services.find((s) => s.name === p.name)?.specFile ?? p.name;
          const report = toErrorReport(error);
          failed[p.name] = report.message;
          fail(
            store,
            p.name,
            new DevupError("kube", `${p.name}: the cluster refused what ${specFile} describes: ${report.message}`, { details: report.details, hint: `fix ${specFile} (nothing of ${p.name} was applied)` }),
          );
        }
      }),
  );
  return { ...observed, failed };
}

/**
 * Applies each planned service and waits until it is ready, layer by layer: a service starts as soon
 * as every service it waits for is ready, and is blocked when one of them is not. Returns whether
 * each service became ready.
 */
export async function executeRollout(current: Plan, ports: Ports, store: Store, namespace: string, now: () => number, signal?: AbortSignal): Promise<Map<string, boolean>> {
  const outcomes = new Map<string, Promise<boolean>>();
  // The plan lists services layer by layer, so what a service waits for is already scheduled.
  for (const p of current.services) {
    const waits = p.waitsFor.filter((d) => outcomes.has(d));
    outcomes.set(
      p.name,
      (async () => {
        if (p.action === "kept") return false;
        if (waits.length) store.dispatch({ type: "phase", service: p.name, phase: "waiting", message: p.waits });
        const ready = await Promise.all(waits.map((d) => outcomes.get(d)!));
        const broken = waits.filter((_, i) => !ready[i]);
        if (broken.length || p.action === "blocked") {
          store.dispatch({ type: "phase", service: p.name, phase: "blocked", message: broken.length ? `waiting for ${broken.join(", ")}, which failed` : p.why });
          return false;
        }
        if (p.action === "pending") {
          fail(store, p.name, new DevupError("internal", `${p.name}: nothing to deploy (${p.why ?? "no image"})`));
          return false;
        }
        try {
          await applyAndWait(ports, store, namespace, p.name, p.objects, now, signal, p.objects, p.own);
          return true;
        } catch (error) {
          if (signal?.aborted) throw error;
          fail(store, p.name, error);
          return false;
        }
      })(),
    );
  }
  return new Map(await Promise.all([...outcomes].map(async ([name, ok]) => [name, await ok] as const)));
}

export interface RedeployOptions {
  namespace: string;
  service: string;
  /** The objects to apply. */
  objects: readonly KubeObject[];
  /** What the history records, when it differs from what is applied (a rollback records the current Secret too). */
  record?: readonly KubeObject[] | undefined;
  /** What caused it (recorded in the history, shown as "why"). */
  trigger: string[];
  /** The objects are the user's own (a manifests service's): CRDs first, readiness by each object's status. */
  own?: boolean | undefined;
  now?: () => number;
}

/**
 * Objects that were deployed before (a revision of the deploy history) applied again and waited for;
 * recorded as a new revision with its honest trigger. Returns the revision recorded (undefined when
 * the history could not be written: said in a log line); throws what went wrong (not dispatched: the
 * caller reports it).
 */
export async function redeploy(ports: Ports, store: Store, options: RedeployOptions): Promise<number | undefined> {
  const now = options.now ?? Date.now;
  store.dispatch({ type: "update-start", service: options.service, trigger: options.trigger, at: now() });
  // A canary service's earlier release goes back to all traffic at once (no steps).
  return applyAndWait(ports, store, options.namespace, options.service, options.objects, now, undefined, options.record, options.own, true);
}
