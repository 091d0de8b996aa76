/**
 * One service, alone: build its image if its content tag is missing, deliver it, apply its
 * objects and wait for the rollout. The watch loop runs this after a change outside the sync rules.
 */
import { toErrorReport } from "@devup/errors";
import { buildObjects, LABELS } from "@devup/manifests";
import type { ResolvedProject } from "@devup/project";
import { imageRequest } from "./image-request.ts";
import { applyAndWaitOwn, ownObjects } from "./own-objects.ts";
import type { Ports } from "./ports.ts";
import { restartCommands, wrapForRestart } from "./restart-wrapper.ts";
import { applyAndWait, buildProgress } from "./steps.ts";
import type { Store } from "./store.ts";

export interface UpdateOptions {
  trigger: string[];
  now?: () => number;
  /** Already dispatched update-start (e.g. a sync that fell back to a rebuild). */
  started?: boolean;
  /** Stops the update between steps, and the build and the rollout wait within them (Ctrl-C, q). */
  signal?: AbortSignal | undefined;
}

/** Returns true when the service is ready again. Failures are dispatched, not thrown; a stopped update dispatches a log line. */
export async function updateService(project: ResolvedProject, ports: Ports, store: Store, name: string, options: UpdateOptions): Promise<boolean> {
  const now = options.now ?? Date.now;
  const s = project.services.find((x) => x.name === name);
  if (!s) return false;
  if (!options.started) store.dispatch({ type: "update-start", service: name, trigger: options.trigger, at: now() });
  const { signal } = options;
  try {
    signal?.throwIfAborted();
    let image = s.image;
    let tag: string | undefined;
    const req = imageRequest(project, s);
    if (req) {
      tag = await ports.images.tag(req);
      const [built] = await ports.images.ensure([{ ...req, tag }], buildProgress(store), signal);
      signal?.throwIfAborted();
      if (!built) throw new Error(`no build result for ${name}`);
      store.dispatch({ type: "build", service: name, action: built.action, image: tag, durationMs: built.durationMs });
      if (built.action === "failed") throw built.error;
      store.dispatch({ type: "phase", service: name, phase: "delivering" });
      const [d] = await ports.cluster.deliver([tag]);
      signal?.throwIfAborted();
      if (!d) throw new Error(`no delivery result for ${name}`);
      if (d.note) store.dispatch({ type: "log", level: "warn", message: `[${name}] ${d.note}` });
      if (d.action === "failed") throw d.error;
      store.dispatch({ type: "delivery", service: name, action: d.action, image: d.ref, method: d.method, durationMs: d.durationMs });
      image = d.ref;
    }
    if (s.manifests) {
      const own = await ownObjects(project, ports.manifests, s, tag ? image : undefined, signal);
      signal?.throwIfAborted();
      await applyAndWaitOwn(ports, store, project.namespace, name, own, now, signal);
      return true;
    }
    // Other services' objects are built only to satisfy the builder; only this service's are applied.
    const images = Object.fromEntries(project.services.map((x) => [x.name, x.name === name ? image! : (store.state.services[x.name]?.image ?? x.image ?? "devup.invalid/unused")]));
    const restartable = await restartCommands(project, ports, tag ? { [name]: tag } : {});
    const own = wrapForRestart(buildObjects(project, images), restartable).filter((o) => o.metadata.labels?.[LABELS.name] === name);
    signal?.throwIfAborted();
    await applyAndWait(ports, store, project.namespace, name, own, now, signal);
    return true;
  } catch (error) {
    if (signal?.aborted) {
      store.dispatch({ type: "log", level: "info", message: `[${name}] update stopped` });
      return false;
    }
    store.dispatch({ type: "failed", service: name, error: toErrorReport(error) });
    return false;
  }
}
