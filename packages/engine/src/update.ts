/**
 * One service, alone: build its image if its content tag is missing, deliver it, apply its
 * objects and wait for the rollout (a plan of that service only, run by the executor). The watch loop runs this after a change outside the sync rules.
 */
import { toErrorReport } from "@devup/errors";
import type { ResolvedProject } from "@devup/project";
import { executeImages } from "./execute.ts";
import { plan } from "./plan/plan.ts";
import type { Ports } from "./ports.ts";
import { applyAndWait } from "./steps.ts";
import type { Phase } from "./state.ts";
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
    const observed = await executeImages(project, ports, store, { only: [name] }, signal);
    const own = plan(project, observed).services.find((p) => p.name === name);
    // A failed image was dispatched already; nothing of the service is applied then.
    if (own?.action !== "deploy") return false;
    await applyAndWait(ports, store, project.namespace, name, own.objects, now, signal, own.objects, own.own);
    return true;
  } catch (error) {
    if (signal?.aborted) {
      store.dispatch({ type: "log", level: "info", message: `[${name}] update stopped ${stoppedState(store.state.services[name]?.phase)}` });
      return false;
    }
    store.dispatch({ type: "failed", service: name, error: toErrorReport(error) });
    return false;
  }
}

/** Where a stopped update left the service, by the step it was in. */
function stoppedState(phase: Phase | undefined): string {
  switch (phase) {
    case "building":
      return "while building: the build was cancelled (its container removed); the previous version keeps running";
    case "delivering":
      return "while delivering the new image: the previous version keeps running";
    case "applying":
      return "while applying: the new objects may be partly applied (the next change or dev up applies them whole)";
    case "starting":
      return "while rolling out: the new version was applied and its rollout goes on in the cluster (dev status shows how it ends)";
    case "syncing":
      return "while syncing: some containers may have the new files, others not (the next dev up makes them the same)";
    default:
      return "before it changed anything: the previous version keeps running";
  }
}
