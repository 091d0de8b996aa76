/**
 * The watch core both inner loops share (`dev up`: loop.ts; `dev run-local`: run-local-loop.ts):
 * file events → batches (coalesced) → per service a change, one update at a time per service;
 * spec edits re-plan (the services whose definition changed are rebuilt), an invalid spec keeps
 * what runs and says when it is valid again. A service whose update failed can be held until its
 * next change. After close(), file events are dropped and the watcher is never opened again.
 * What a change does (a sync, a rebuild) is the loop's: `update`.
 */
import { join } from "node:path";
import { errorMessage, toErrorReport } from "@devup/errors";
import type { ResolvedProject, ResolvedService } from "@devup/project";
import type { WatchPort } from "../ports.ts";
import { classify, mergeChanges, type ServiceChange, type SyncFile } from "./classify.ts";
import { Coalescer } from "./coalesce.ts";
import { ServiceQueue } from "./queue.ts";
import { realTimer, type Timer } from "./timer.ts";

export interface WatchCoreOptions {
  watcher: WatchPort;
  /** Loads and validates the spec again: the project, or the errors in words. */
  reload: () => { project?: ResolvedProject | undefined; errors: string[] };
  timer?: Timer | undefined;
  quietMs?: number | undefined;
  maxWaitMs?: number | undefined;
  /** The quiet period of a batch whose files are all synced (no rebuild, no re-plan); without it, quietMs. */
  syncQuietMs?: number | undefined;
}

export interface WatchHandlers {
  /** Runs one service's change (never two at once for a service). Reports its own failures. */
  update(name: string, change: ServiceChange): Promise<void>;
  /** The spec loads after an edit: the project to go on with (default: as loaded). Runs before the changed services are scheduled. */
  accept?(before: ResolvedProject, loaded: ResolvedProject, specFiles: string[]): ResolvedProject;
  /** After a re-plan scheduled what changed (prune, forwards). */
  replanned?(before: ResolvedProject, after: ResolvedProject): Promise<void>;
  specInvalid(errors: string[]): void;
  /** The spec loads again after an invalid edit (`files`: the edit that fixed it). */
  specValid(files: string[]): void;
  /** A re-plan threw (e.g. the prune failed). */
  replanFailed(specFiles: string[], error: unknown): void;
  /** The file watcher failed (e.g. the machine ran out of inotify instances): edits are not seen. */
  watchFailed?(error: unknown): void;
}

/** The words for a failed file watcher, with the fix when the machine ran out of inotify instances or watches. */
export function watchFailedMessage(error: unknown): string {
  const reason = errorMessage(error);
  const inotify = /EMFILE|ENOSPC|too many open files|inotify/i.test(reason);
  return `watching files failed (${reason}): edits are not picked up until the command starts again${inotify ? "; the machine is out of inotify instances or watches: raise them (sysctl fs.inotify.max_user_instances=512 fs.inotify.max_user_watches=524288)" : ""}`;
}

/** What the sync rules ask for these files: every distinct command, and a restart when any rule asks for one. */
export interface SyncWork {
  /** `local` is absolute; a missing file is deleted in the container. `within`: its rule's folder, which it must not leave through a symlink. */
  files: Array<{ local: string; to: string; within: string }>;
  run: string[][];
  restart: boolean;
}

export function syncWork(root: string, files: Iterable<SyncFile>): SyncWork {
  const all = [...files];
  const rules = [...new Set(all.map((f) => f.rule))];
  return {
    files: all.map((f) => ({ local: join(root, f.path), to: f.to, within: join(root, f.rule.from) })),
    run: rules.flatMap((r) => (typeof r.then === "object" ? [[...r.then.run]] : [])),
    restart: rules.some((r) => r.then === "restart"),
  };
}

/** A failed sync in words (the fallback is a rebuild): the error's message, then its details. */
export function syncFailed(name: string, error: unknown): string {
  return [`[${name}] sync failed (${errorMessage(error)}); rebuilding instead`, ...toErrorReport(error).details.map((d) => `[${name}]   ${d}`)].join("\n");
}

/** Whether a service's definition is unchanged (then a spec edit leaves it alone). */
export const same = (a: ResolvedService | undefined, b: ResolvedService): boolean => JSON.stringify(a) === JSON.stringify(b);

export class WatchCore {
  #project: ResolvedProject;
  #closed = false;
  #invalid = false;
  #watcher: { close(): Promise<void> } | undefined;
  readonly #held = new Set<string>();
  readonly #queue: ServiceQueue<ServiceChange>;
  readonly #coalescer: Coalescer;
  readonly #options: WatchCoreOptions;
  readonly #handlers: WatchHandlers;
  readonly timer: Timer;

  constructor(initial: ResolvedProject, options: WatchCoreOptions, handlers: WatchHandlers) {
    this.#project = initial;
    this.#options = options;
    this.#handlers = handlers;
    this.timer = options.timer ?? realTimer;
    this.#queue = new ServiceQueue<ServiceChange>((name, change) => handlers.update(name, change), mergeChanges);
    const { syncQuietMs, quietMs } = options;
    this.#coalescer = new Coalescer((paths) => this.#batch(paths), {
      timer: this.timer,
      quietMs,
      maxWaitMs: options.maxWaitMs,
      // A file that is only copied into the running containers need not wait for a build's worth of edits.
      ...(syncQuietMs === undefined ? {} : { quietFor: (path: string) => (this.#syncOnly(path) ? syncQuietMs : (quietMs ?? 200)) }),
    });
    this.#watcher = options.watcher.watch(initial, this.#onChange, this.#onWatchError);
  }

  get project(): ResolvedProject {
    return this.#project;
  }

  get closed(): boolean {
    return this.#closed;
  }

  service(name: string): ResolvedService | undefined {
    return this.#project.services.find((s) => s.name === name);
  }

  /**
   * The service as it is on disk now (files the spec reads, config and secrets, can be build inputs).
   * Only this service's part is taken: the rest of a spec edit is re-planned on its own event.
   */
  reloadService(name: string): ResolvedService | undefined {
    const fresh = this.#options.reload().project?.services.find((s) => s.name === name);
    if (fresh) this.#project = { ...this.#project, services: this.#project.services.map((s) => (s.name === name ? fresh : s)) };
    return this.service(name);
  }

  /** A change to the service (a file, a spec edit, a request by hand): a held service may try again. */
  changed(name: string, change: ServiceChange): void {
    this.#held.delete(name);
    this.#queue.schedule(name, change);
  }

  /** Work of the loop's own (a periodic re-sync): leaves a hold as it is. */
  schedule(name: string, change: ServiceChange): void {
    this.#queue.schedule(name, change);
  }

  /** The service's update failed: it waits for its next change instead of retrying on its own. */
  hold(name: string): void {
    this.#held.add(name);
  }

  release(name: string): void {
    this.#held.delete(name);
  }

  held(name: string): boolean {
    return this.#held.has(name);
  }

  busy(name: string): boolean {
    return this.#queue.busy(name);
  }

  /** Resolves when no update runs or waits. */
  idle(): Promise<void> {
    return this.#queue.idle();
  }

  /** Stops watching: events still in flight are dropped, no watcher is opened again (updates already running finish; see idle). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#coalescer.close();
    await this.#watcher?.close();
  }

  // Said once: a watcher out of inotify instances reports the same error for every folder.
  #watchFailed = false;
  readonly #onWatchError = (error: unknown): void => {
    if (this.#watchFailed || this.#closed) return;
    this.#watchFailed = true;
    this.#handlers.watchFailed?.(error);
  };

  readonly #onChange = (path: string): void => {
    if (!this.#closed) this.#coalescer.add(path);
  };

  #syncOnly(path: string): boolean {
    const { spec, services } = classify(this.#project, [path]);
    return !spec.length && services.size > 0 && [...services.values()].every((c) => c.kind === "sync");
  }

  #batch(paths: string[]): void {
    const { spec, services } = classify(this.#project, paths);
    for (const [name, change] of services) this.changed(name, change);
    if (spec.length) this.#replan(spec).catch((error: unknown) => this.#handlers.replanFailed(spec, error));
  }

  async #replan(specFiles: string[]): Promise<void> {
    const loaded = this.#options.reload();
    if (!loaded.project) {
      this.#invalid = true;
      this.#handlers.specInvalid(loaded.errors);
      return;
    }
    if (this.#invalid) this.#handlers.specValid(specFiles);
    this.#invalid = false;
    const before = this.#project;
    this.#project = this.#handlers.accept?.(before, loaded.project, specFiles) ?? loaded.project;
    for (const s of this.#project.services) {
      if (!same(before.services.find((b) => b.name === s.name), s)) this.changed(s.name, { kind: "rebuild", files: specFiles });
    }
    await this.#handlers.replanned?.(before, this.#project);
    await this.#watcher?.close();
    // Watching may have ended while this re-plan ran: no new watcher then.
    if (!this.#closed) this.#watcher = this.#options.watcher.watch(this.#project, this.#onChange, this.#onWatchError);
  }
}
