/**
 * The inner loop of `dev run-local`: on the watch core (core.ts: batches, one update at a time per
 * service, re-plans), per service a sync into its container or a rebuild that replaces it. A failed
 * sync falls back to a rebuild, and says so. Spec edits rebuild the services whose definition
 * changed; an invalid spec keeps what runs. Progress goes through the Store, as `dev up`'s does (so
 * the printer and NDJSON serve both). The Docker side is a port, so this runs against fakes.
 */
import { toErrorReport } from "@devup/errors";
import type { ResolvedProject, ResolvedService } from "@devup/project";
import type { WatchPort } from "../ports.ts";
import type { Store } from "../store.ts";
import type { SyncFile } from "./classify.ts";
import { syncFailed, syncWork, WatchCore, watchFailedMessage, type SyncWork } from "./core.ts";
import type { Timer } from "./timer.ts";

export interface LocalUpdatePort {
  /** Copies the files into the service's running container and runs the rules' actions; throws when it cannot. */
  sync(service: ResolvedService, work: SyncWork): Promise<void>;
  /** Builds the service's image if its inputs changed (reporting the build to the Store) and replaces its container; resolves once it is healthy. */
  rebuild(project: ResolvedProject, service: ResolvedService): Promise<void>;
}

export interface LocalWatchOptions {
  watcher: WatchPort;
  /** Loads and validates the spec again: the project, or the errors in words. */
  reload: () => { project?: ResolvedProject | undefined; errors: string[] };
  /** Stopping (Ctrl-C): an update that fails now was stopped, not broken. */
  signal?: AbortSignal | undefined;
  timer?: Timer;
  quietMs?: number;
  maxWaitMs?: number;
}

export interface LocalWatching {
  /** Resolves when no update runs or waits. */
  idle(): Promise<void>;
  /** Stops watching (updates already running finish; see idle). */
  close(): Promise<void>;
}

export function watchLocal(initial: ResolvedProject, port: LocalUpdatePort, store: Store, options: LocalWatchOptions): LocalWatching {
  const log = (level: "info" | "warn", message: string) => store.dispatch({ type: "log", level, message });
  const stopped = () => core.closed || options.signal?.aborted === true;

  const rebuild = async (name: string, trigger: string[], announced = false) => {
    const s = core.reloadService(name);
    if (!s) return;
    if (!announced) store.dispatch({ type: "update-start", service: name, trigger, at: core.timer.now() });
    try {
      await port.rebuild(core.project, s);
      store.dispatch({ type: "ready", service: name, at: core.timer.now() });
    } catch (error) {
      if (stopped()) return log("info", `[${name}] update stopped`);
      store.dispatch({ type: "failed", service: name, error: toErrorReport(error) });
      log("warn", `[${name}] waiting for the next change before trying again`);
    }
  };

  const sync = async (name: string, files: SyncFile[]) => {
    const s = core.service(name);
    if (!s) return;
    const paths = files.map((f) => f.path);
    const start = core.timer.now();
    store.dispatch({ type: "update-start", service: name, trigger: paths, at: start });
    store.dispatch({ type: "phase", service: name, phase: "syncing" });
    const work = syncWork(core.project.root, files);
    try {
      await port.sync(s, work);
    } catch (error) {
      if (stopped()) return log("info", `[${name}] update stopped`);
      log("warn", syncFailed(name, error));
      return rebuild(name, paths, true);
    }
    // The sync's outcome is handled here (what a crash after a sync does belongs here too).
    store.dispatch({ type: "synced", service: name, files: paths, pods: 1, durationMs: core.timer.now() - start, restarted: work.restart });
  };

  const core: WatchCore = new WatchCore(
    initial,
    { watcher: options.watcher, reload: options.reload, timer: options.timer, quietMs: options.quietMs, maxWaitMs: options.maxWaitMs },
    {
      update: (name, change) => (change.kind === "sync" ? sync(name, change.files) : rebuild(name, change.files)),
      accept(before, next) {
        const added = next.services.filter((s) => !before.services.some((b) => b.name === s.name)).map((s) => s.name);
        const removed = before.services.filter((b) => !next.services.some((s) => s.name === b.name)).map((s) => s.name);
        if (added.length || removed.length) {
          log("warn", `services ${[...added.map((n) => `added: ${n}`), ...removed.map((n) => `removed: ${n}`)].join(", ")}; restart dev run-local to start or stop them`);
        }
        // Services are not added or removed while running: the others follow the new spec.
        return { ...next, services: before.services.map((b) => next.services.find((s) => s.name === b.name) ?? b) };
      },
      specInvalid: (errors) => store.dispatch({ type: "spec-invalid", errors }),
      specValid: (files) => store.dispatch({ type: "spec-valid", files }),
      replanFailed: (spec, error) => log("warn", `re-planning after ${spec.join(", ")} failed: ${toErrorReport(error).message}`),
      watchFailed: (error) => log("warn", watchFailedMessage(error)),
    },
  );

  return { idle: () => core.idle(), close: () => core.close() };
}
