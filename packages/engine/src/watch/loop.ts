/**
 * The inner loop: file events → batches (coalesced) → per service a sync or a rebuild-and-roll,
 * one update at a time per service; spec edits re-plan, and an invalid spec keeps what runs.
 */
import { join } from "node:path";
import { errorMessage, toErrorReport } from "@devup/errors";
import type { ResolvedProject, ResolvedService } from "@devup/project";
import type { ForwardSet } from "../forwards.ts";
import type { Ports, WatchPort } from "../ports.ts";
import type { Store } from "../store.ts";
import { desiredObjects } from "../own-objects.ts";
import { updateService } from "../update.ts";
import { classify, mergeChanges, type ServiceChange, type SyncFile } from "./classify.ts";
import { Coalescer } from "./coalesce.ts";
import { ServiceQueue } from "./queue.ts";
import { realTimer, type Timer } from "./timer.ts";

export interface WatchOptions {
  watcher: WatchPort;
  /** Loads and validates the spec again: the project, or the errors in words. */
  reload: () => { project?: ResolvedProject | undefined; errors: string[] };
  timer?: Timer;
  quietMs?: number;
  /** The quiet period of a batch whose files are all synced (no rebuild, no re-plan); default 50 ms. */
  syncQuietMs?: number;
  maxWaitMs?: number;
  /** How often containers that restarted since a sync get the synced files again (default 2 s). */
  resyncMs?: number;
  /** The forwards `up` opened: services a spec edit adds get theirs once ready, removed ones' are closed. */
  forwards?: ForwardSet | undefined;
}

export interface Watching {
  /** Resolves when no update runs or waits. */
  idle(): Promise<void>;
  /**
   * An update asked for by hand (the TUI's `r` and `s`): a rebuild and rollout now, or the files
   * synced since the last build sent again to every pod (the rule's action runs again).
   */
  request(service: string, kind: "rebuild" | "sync"): void;
  close(): Promise<void>;
}

const same = (a: ResolvedService | undefined, b: ResolvedService) => JSON.stringify(a) === JSON.stringify(b);

export function watchProject(initial: ResolvedProject, ports: Ports, store: Store, options: WatchOptions): Watching {
  const timer = options.timer ?? realTimer;
  let project = initial;
  // Files synced since each service's image was built: sent again with every sync, so a pod that
  // restarted in between (and lost them) does not keep running stale code.
  const synced = new Map<string, Map<string, SyncFile>>();
  // The containers (pod uid/restart count) that hold those files.
  const current = new Map<string, Set<string>>();
  // Services whose last update failed: they wait for the next change (or `r`) instead of retrying on
  // their own — a re-sync into a crashing pod would otherwise rebuild, fail and re-sync again forever.
  const held = new Set<string>();
  // Stops the update in progress when watching ends (Ctrl-C, q): a build or rollout wait must not outlive it.
  const stopping = new AbortController();

  const reconcileForwards = () =>
    options.forwards?.reconcile(project, (name) => store.state.services[name]?.phase === "ready").catch((error: unknown) => {
      store.dispatch({ type: "log", level: "error", message: `updating the port-forwards failed: ${toErrorReport(error).message}` });
    });

  const rebuild = async (name: string, files: string[], started = false) => {
    // Files the spec reads (config files, secrets) can be build inputs too: plan from what is on disk now.
    // Only this service's part is taken: the rest of a spec edit is re-planned on its own event.
    const fresh = options.reload().project?.services.find((x) => x.name === name);
    if (fresh) project = { ...project, services: project.services.map((x) => (x.name === name ? fresh : x)) };
    if (stopping.signal.aborted) return;
    const ok = await updateService(project, ports, store, name, { trigger: files, now: () => timer.now(), started, signal: stopping.signal });
    if (stopping.signal.aborted) return;
    if (ok) {
      held.delete(name);
      synced.delete(name);
      current.delete(name);
      await reconcileForwards();
    } else {
      held.add(name);
      store.dispatch({ type: "log", level: "warn", message: `[${name}] waiting for the next change (or r) before trying again` });
    }
  };

  const syncRequest = (name: string, files: Iterable<SyncFile>, skip?: ReadonlySet<string>) => {
    const all = [...files];
    const rules = new Set(all.map((f) => f.rule));
    return {
      namespace: project.namespace,
      service: name,
      files: all.map((f) => ({ local: join(project.root, f.path), to: f.to, within: join(project.root, f.rule.from) })),
      run: [...rules].flatMap((r) => (typeof r.then === "object" ? [r.then.run] : [])),
      restart: [...rules].some((r) => r.then === "restart"),
      skip,
    };
  };

  /** Containers that restarted (or pods that are new) since the last sync get the synced files again. */
  const resync = async (name: string) => {
    const files = synced.get(name);
    if (!ports.sync || !files?.size || held.has(name)) return;
    try {
      const r = await ports.sync.sync(syncRequest(name, files.values(), current.get(name) ?? new Set()));
      if (r.current) current.set(name, new Set(r.current));
      if (r.pods) store.dispatch({ type: "log", level: "info", message: `[${name}] re-synced ${files.size} file${files.size === 1 ? "" : "s"} into ${r.pods} restarted or new pod${r.pods === 1 ? "" : "s"}` });
    } catch (error) {
      store.dispatch({ type: "log", level: "warn", message: `[${name}] a restarted pod could not get the synced files again (${errorMessage(error)}); rebuilding so it does not run stale code` });
      await rebuild(name, [...files.keys()]);
    }
  };

  const sync = async (name: string, files: SyncFile[]) => {
    if (!files.length) return resync(name);
    const start = timer.now();
    store.dispatch({ type: "update-start", service: name, trigger: files.map((f) => f.path), at: start });
    if (!ports.sync) return rebuild(name, files.map((f) => f.path), true);
    store.dispatch({ type: "phase", service: name, phase: "syncing" });
    const all = new Map(synced.get(name));
    for (const f of files) all.set(f.path, f);
    try {
      const request = syncRequest(name, all.values());
      const r = await ports.sync.sync(request);
      // Kept-alive client connections led to the process that was just replaced: clients reconnect.
      if (request.restart) options.forwards?.reset(name);
      synced.set(name, all);
      if (r.current) current.set(name, new Set(r.current));
      store.dispatch({ type: "synced", service: name, files: files.map((f) => f.path), pods: r.pods, durationMs: timer.now() - start });
    } catch (error) {
      store.dispatch({ type: "log", level: "warn", message: `[${name}] sync failed (${errorMessage(error)}); rebuilding instead` });
      await rebuild(name, files.map((f) => f.path), true);
    }
  };

  /** A change to the service (a file, a spec edit, `r` or `s`): a held service may try again. */
  const changed = (name: string, change: ServiceChange) => {
    held.delete(name);
    queue.schedule(name, change);
  };

  const queue = new ServiceQueue<ServiceChange>((name, change) => (change.kind === "sync" ? sync(name, change.files) : rebuild(name, change.files)), mergeChanges);

  let watcher: { close(): Promise<void> } | undefined;
  let invalid = false;
  const replan = async (specFiles: string[]) => {
    const loaded = options.reload();
    if (!loaded.project) {
      invalid = true;
      store.dispatch({ type: "spec-invalid", errors: loaded.errors });
      return;
    }
    if (invalid) store.dispatch({ type: "spec-valid", files: specFiles });
    invalid = false;
    const before = project;
    project = loaded.project;
    store.dispatch({ type: "services", services: project.services.map((s) => ({ name: s.name, replicas: s.replicas })) });
    for (const s of project.services) {
      if (same(before.services.find((x) => x.name === s.name), s)) continue;
      changed(s.name, { kind: "rebuild", files: specFiles });
    }
    if (project.services.length < before.services.length || project.services.some((s) => !before.services.find((b) => b.name === s.name))) {
      const images = Object.fromEntries(project.services.map((s) => [s.name, store.state.services[s.name]?.image ?? s.image ?? "devup.invalid/unbuilt:pending"]));
      // A manifests service whose objects cannot be made now: no prune (it would delete them).
      const desired = await desiredObjects(project, ports, images);
      const pruned = desired ? await ports.kube.prune(desired) : [];
      if (pruned.length) store.dispatch({ type: "pruned", objects: pruned });
    }
    await reconcileForwards();
    await watcher?.close();
    // Watching may have ended while this re-plan ran: no new watcher then.
    if (!stopping.signal.aborted) watcher = options.watcher.watch(project, (p) => coalescer.add(p));
  };

  const coalescer = new Coalescer(
    (paths) => {
      const { spec, services } = classify(project, paths);
      for (const [name, change] of services) changed(name, change);
      if (spec.length) {
        replan(spec).catch((error: unknown) => store.dispatch({ type: "log", level: "error", message: `re-planning after ${spec.join(", ")} failed: ${toErrorReport(error).message}` }));
      }
    },
    {
      timer,
      quietMs: options.quietMs,
      maxWaitMs: options.maxWaitMs,
      // A file that is only copied into the running containers need not wait for a build's worth of edits.
      quietFor: (path) => {
        const { spec, services } = classify(project, [path]);
        const syncOnly = !spec.length && services.size > 0 && [...services.values()].every((c) => c.kind === "sync");
        return syncOnly ? (options.syncQuietMs ?? 50) : (options.quietMs ?? 200);
      },
    },
  );
  watcher = options.watcher.watch(project, (p) => coalescer.add(p));

  let resyncHandle: unknown;
  const tick = () => {
    for (const name of synced.keys()) if (!queue.busy(name) && !held.has(name)) queue.schedule(name, { kind: "sync", files: [] });
    resyncHandle = timer.set(tick, options.resyncMs ?? 2000);
  };
  resyncHandle = timer.set(tick, options.resyncMs ?? 2000);

  return {
    idle: () => queue.idle(),
    request(name, kind) {
      const s = project.services.find((x) => x.name === name);
      const say = (message: string) => store.dispatch({ type: "log", level: "info", message: `[${name}] ${message}` });
      if (!s?.build) return say("has no build: nothing to rebuild or sync");
      if (kind === "rebuild") return changed(name, { kind: "rebuild", files: ["rebuild requested"] });
      const files = [...(synced.get(name)?.values() ?? [])];
      if (!files.length) return say(s.sync.length ? "nothing to sync: no synced file changed since the last build" : "has no sync rules (r rebuilds)");
      changed(name, { kind: "sync", files });
    },
    async close() {
      timer.clear(resyncHandle);
      coalescer.close();
      stopping.abort(new Error("watching stopped"));
      await watcher?.close();
      await queue.idle();
    },
  };
}
