/**
 * The inner loop of `dev run-local`: on the watch core (core.ts: batches, one update at a time per
 * service, re-plans), per service a sync into its container or a rebuild that replaces it. A failed
 * sync falls back to a rebuild, and says so. Spec edits rebuild the services whose definition
 * changed; an invalid spec keeps what runs. The Docker side is a port, so this runs against fakes.
 */
import { errorMessage } from "@devup/errors";
import type { ResolvedProject, ResolvedService } from "@devup/project";
import type { WatchPort } from "../ports.ts";
import type { SyncFile } from "./classify.ts";
import { syncWork, WatchCore, type SyncWork } from "./core.ts";
import type { Timer } from "./timer.ts";

export interface LocalUpdatePort {
  /** Copies the files into the service's running container and runs the rules' actions; throws when it cannot. */
  sync(service: ResolvedService, work: SyncWork): Promise<void>;
  /** Builds the service's image if its inputs changed and replaces its container; resolves once it is healthy. */
  rebuild(project: ResolvedProject, service: ResolvedService): Promise<{ image: string; built: boolean }>;
}

export type LocalWatchEvent =
  | { type: "update-start"; service: string; kind: "sync" | "rebuild"; trigger: string[] }
  | { type: "synced"; service: string; files: string[]; restarted: boolean; durationMs: number }
  | { type: "sync-failed"; service: string; error: unknown }
  | { type: "rebuilt"; service: string; trigger: string[]; image: string; built: boolean; durationMs: number }
  | { type: "update-failed"; service: string; trigger: string[]; error: unknown }
  | { type: "spec-invalid"; errors: string[] }
  | { type: "spec-valid"; files: string[] }
  | { type: "services-changed"; added: string[]; removed: string[] };

export interface LocalWatchOptions {
  watcher: WatchPort;
  /** Loads and validates the spec again: the project, or the errors in words. */
  reload: () => { project?: ResolvedProject | undefined; errors: string[] };
  onEvent: (event: LocalWatchEvent) => void;
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

export function watchLocal(initial: ResolvedProject, port: LocalUpdatePort, options: LocalWatchOptions): LocalWatching {
  const emit = options.onEvent;

  const rebuild = async (name: string, trigger: string[], announced = false) => {
    const s = core.reloadService(name);
    if (!s) return;
    if (!announced) emit({ type: "update-start", service: name, kind: "rebuild", trigger });
    const start = core.timer.now();
    try {
      const r = await port.rebuild(core.project, s);
      emit({ type: "rebuilt", service: name, trigger, image: r.image, built: r.built, durationMs: core.timer.now() - start });
    } catch (error) {
      emit({ type: "update-failed", service: name, trigger, error });
    }
  };

  const sync = async (name: string, files: SyncFile[]) => {
    const s = core.service(name);
    if (!s) return;
    const paths = files.map((f) => f.path);
    emit({ type: "update-start", service: name, kind: "sync", trigger: paths });
    const start = core.timer.now();
    const work = syncWork(core.project.root, files);
    try {
      await port.sync(s, work);
    } catch (error) {
      if (core.closed) return emit({ type: "update-failed", service: name, trigger: paths, error });
      emit({ type: "sync-failed", service: name, error });
      return rebuild(name, paths, true);
    }
    // The sync's outcome is handled here (what a crash after a sync does belongs here too).
    emit({ type: "synced", service: name, files: paths, restarted: work.restart, durationMs: core.timer.now() - start });
  };

  const core: WatchCore = new WatchCore(
    initial,
    { watcher: options.watcher, reload: options.reload, timer: options.timer, quietMs: options.quietMs, maxWaitMs: options.maxWaitMs },
    {
      update: (name, change) => (change.kind === "sync" ? sync(name, change.files) : rebuild(name, change.files)),
      accept(before, next) {
        const added = next.services.filter((s) => !before.services.some((b) => b.name === s.name)).map((s) => s.name);
        const removed = before.services.filter((b) => !next.services.some((s) => s.name === b.name)).map((s) => s.name);
        if (added.length || removed.length) emit({ type: "services-changed", added, removed });
        // Services are not added or removed while running: the others follow the new spec.
        return { ...next, services: before.services.map((b) => next.services.find((s) => s.name === b.name) ?? b) };
      },
      specInvalid: (errors) => emit({ type: "spec-invalid", errors }),
      specValid: (files) => emit({ type: "spec-valid", files }),
      replanFailed: (_spec, error) => emit({ type: "spec-invalid", errors: [errorMessage(error)] }),
    },
  );

  return { idle: () => core.idle(), close: () => core.close() };
}
