/**
 * The inner loop of `dev run-local`: file events → batches (coalesced) → per service a sync into
 * its container or a rebuild that replaces it, one update at a time per service (a change during
 * an update queues one follow-up). A failed sync falls back to a rebuild, and says so. Spec edits
 * rebuild the services whose definition changed; an invalid spec keeps what runs. The Docker side
 * is a port, so this runs against fakes in unit tests.
 */
import { join } from "node:path";
import type { ResolvedProject, ResolvedService } from "@devup/project";
import type { WatchPort } from "../ports.ts";
import { classify, mergeChanges, type ServiceChange, type SyncFile } from "./classify.ts";
import { Coalescer } from "./coalesce.ts";
import { ServiceQueue } from "./queue.ts";
import { realTimer, type Timer } from "./timer.ts";
import { errorMessage } from "@devup/errors";

export interface LocalSyncWork {
  /** `local` is absolute; a missing file is deleted in the container. */
  files: Array<{ local: string; to: string; within: string }>;
  run: string[][];
  restart: boolean;
}

export interface LocalUpdatePort {
  /** Copies the files into the service's running container and runs the rules' actions; throws when it cannot. */
  sync(service: ResolvedService, work: LocalSyncWork): Promise<void>;
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

const same = (a: ResolvedService | undefined, b: ResolvedService) => JSON.stringify(a) === JSON.stringify(b);

/** The sync rules' actions for these files: every distinct command, and a restart when any rule asks for one. */
export function localSyncWork(root: string, files: readonly SyncFile[]): LocalSyncWork {
  const rules = [...new Set(files.map((f) => f.rule))];
  return {
    files: files.map((f) => ({ local: join(root, f.path), to: f.to, within: join(root, f.rule.from) })),
    run: rules.flatMap((r) => (typeof r.then === "object" ? [[...r.then.run]] : [])),
    restart: rules.some((r) => r.then === "restart"),
  };
}

export function watchLocal(initial: ResolvedProject, port: LocalUpdatePort, options: LocalWatchOptions): LocalWatching {
  const timer = options.timer ?? realTimer;
  const emit = options.onEvent;
  let project = initial;
  let closed = false;
  const service = (name: string) => project.services.find((s) => s.name === name);

  const rebuild = async (name: string, trigger: string[], announced = false) => {
    // Build inputs can be files the spec reads (config, secrets): take this service as it is on disk now.
    const fresh = options.reload().project?.services.find((s) => s.name === name);
    if (fresh) project = { ...project, services: project.services.map((s) => (s.name === name ? fresh : s)) };
    const s = service(name);
    if (!s) return;
    if (!announced) emit({ type: "update-start", service: name, kind: "rebuild", trigger });
    const start = timer.now();
    try {
      const r = await port.rebuild(project, s);
      emit({ type: "rebuilt", service: name, trigger, image: r.image, built: r.built, durationMs: timer.now() - start });
    } catch (error) {
      emit({ type: "update-failed", service: name, trigger, error });
    }
  };

  const sync = async (name: string, files: SyncFile[]) => {
    const s = service(name);
    if (!s) return;
    const paths = files.map((f) => f.path);
    emit({ type: "update-start", service: name, kind: "sync", trigger: paths });
    const start = timer.now();
    const work = localSyncWork(project.root, files);
    try {
      await port.sync(s, work);
      emit({ type: "synced", service: name, files: paths, restarted: work.restart, durationMs: timer.now() - start });
    } catch (error) {
      if (closed) return emit({ type: "update-failed", service: name, trigger: paths, error });
      emit({ type: "sync-failed", service: name, error });
      await rebuild(name, paths, true);
    }
  };

  const queue = new ServiceQueue<ServiceChange>((name, change) => (change.kind === "sync" ? sync(name, change.files) : rebuild(name, change.files)), mergeChanges);

  let watcher: { close(): Promise<void> } | undefined;
  let invalid = false;
  const replan = async (specFiles: string[]) => {
    const loaded = options.reload();
    if (!loaded.project) {
      invalid = true;
      return emit({ type: "spec-invalid", errors: loaded.errors });
    }
    if (invalid) emit({ type: "spec-valid", files: specFiles });
    invalid = false;
    const before = project;
    const next = loaded.project;
    const added = next.services.filter((s) => !before.services.some((b) => b.name === s.name)).map((s) => s.name);
    const removed = before.services.filter((b) => !next.services.some((s) => s.name === b.name)).map((s) => s.name);
    if (added.length || removed.length) emit({ type: "services-changed", added, removed });
    // Services are not added or removed while running: the others follow the new spec.
    project = { ...next, services: before.services.map((b) => next.services.find((s) => s.name === b.name) ?? b) };
    for (const s of project.services) if (!same(before.services.find((b) => b.name === s.name), s)) queue.schedule(s.name, { kind: "rebuild", files: specFiles });
    await watcher?.close();
    if (!closed) watcher = options.watcher.watch(project, onChange);
  };

  // Events still in flight after close are dropped.
  const onChange = (path: string) => {
    if (!closed) coalescer.add(path);
  };
  const coalescer = new Coalescer(
    (paths) => {
      const { spec, services } = classify(project, paths);
      for (const [name, change] of services) queue.schedule(name, change);
      if (spec.length) void replan(spec).catch((error: unknown) => emit({ type: "spec-invalid", errors: [errorMessage(error)] }));
    },
    { timer, quietMs: options.quietMs, maxWaitMs: options.maxWaitMs },
  );
  watcher = options.watcher.watch(project, onChange);

  return {
    idle: () => queue.idle(),
    async close() {
      closed = true;
      coalescer.close();
      await watcher?.close();
    },
  };
}
