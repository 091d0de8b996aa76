/**
 * The inner loop of `dev up`: on the watch core (core.ts: batches, one update at a time per
 * service, re-plans, the hold), per service a sync into the running pods or a rebuild-and-roll
 * through the executor; spec edits re-plan (prune, forwards), and an invalid spec keeps what runs.
 */
import { errorMessage, toErrorReport } from "@devup/errors";
import type { ResolvedProject } from "@devup/project";
import type { ForwardSet } from "../forwards.ts";
import { renderOwn } from "../own-objects.ts";
import { plan } from "../plan/plan.ts";
import type { Ports, SyncRequest, WatchPort } from "../ports.ts";
import type { Store } from "../store.ts";
import { updateService } from "../update.ts";
import { crashWatch, type CrashWatchOptions } from "./after-sync.ts";
import type { SyncFile } from "./classify.ts";
import { syncFailed, syncWork, WatchCore, watchFailedMessage } from "./core.ts";
import { keptFiles } from "./kept-files.ts";
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
  /** Crash detection after a sync (after-sync.ts). */
  crash?: CrashWatchOptions | undefined;
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

export function watchProject(initial: ResolvedProject, ports: Ports, store: Store, options: WatchOptions): Watching {
  // Files synced since each service's image was built: sent again with every sync, so a pod that
  // restarted in between (and lost them) does not keep running stale code.
  const synced = new Map<string, Map<string, SyncFile>>();
  // The containers (pod uid/restart count) that hold those files.
  const current = new Map<string, Set<string>>();
  // Stops the update in progress when watching ends (Ctrl-C, q): a build or rollout wait must not outlive it.
  const stopping = new AbortController();
  const log = (level: "info" | "warn" | "error", message: string) => store.dispatch({ type: "log", level, message });
  const timer = options.timer ?? realTimer;
  // A crash right after a sync is reported and holds the service until the next change.
  const crashes = crashWatch(ports, store, timer, options.crash);
  // The synced files, kept in the cluster for pods that replace others (kept-files.ts).
  const kept = keptFiles(ports, store);
  const watchCrash = (name: string, files: readonly string[], pods: readonly string[] | undefined) =>
    crashes.watch(core.project.namespace, name, files, pods, () => core.hold(name));

  const reconcileForwards = () =>
    options.forwards?.reconcile(core.project, (name) => store.state.services[name]?.phase === "ready").catch((error: unknown) => {
      log("error", `updating the port-forwards failed: ${toErrorReport(error).message}`);
    });

  const rebuild = async (name: string, files: string[], started = false) => {
    core.reloadService(name);
    if (stopping.signal.aborted) return;
    await kept.clear(core.project.namespace, name); // the new pods must not unpack older files over the new image
    const ok = await updateService(core.project, ports, store, name, { trigger: files, now: () => core.timer.now(), started, signal: stopping.signal });
    if (stopping.signal.aborted) return;
    if (ok) {
      core.release(name);
      synced.delete(name);
      current.delete(name);
      await reconcileForwards();
    } else {
      // Held: a re-sync into a crashing pod would otherwise rebuild, fail and re-sync again forever.
      core.hold(name);
      const files = synced.get(name);
      if (files?.size && !stopping.signal.aborted) await kept.keep(syncRequest(name, files.values()));
      log("warn", `[${name}] waiting for the next change (or r) before trying again`);
    }
  };

  const syncRequest = (name: string, files: Iterable<SyncFile>, skip?: ReadonlySet<string>): SyncRequest => ({ namespace: core.project.namespace, service: name, ...syncWork(core.project.root, files), skip });

  /** Containers that restarted (or pods that are new) since the last sync get the synced files again. */
  const resync = async (name: string) => {
    const files = synced.get(name);
    if (!ports.sync || !files?.size || core.held(name)) return;
    try {
      const r = await ports.sync.sync(syncRequest(name, files.values(), current.get(name) ?? new Set()));
      if (r.current) current.set(name, new Set(r.current));
      if (r.pods) watchCrash(name, [...files.keys()], r.current);
      if (r.pods) log("info", `[${name}] re-synced ${files.size} file${files.size === 1 ? "" : "s"} into ${r.pods} restarted or new pod${r.pods === 1 ? "" : "s"}`);
    } catch (error) {
      // Right after a sync, a container that restarted and cannot take the files is most likely crashing
      // on them: a diagnosis (the crash watch reports it), not a reason to rebuild.
      if (crashes.watching(name) || crashes.crashed(name)) {
        core.hold(name);
        log("warn", `[${name}] a restarted pod could not get the synced files again (${errorMessage(error)}) right after a sync: held until the next change (or r)`);
        return;
      }
      log("warn", `[${name}] a restarted pod could not get the synced files again (${errorMessage(error)}); rebuilding so it does not run stale code`);
      await rebuild(name, [...files.keys()]);
    }
  };

  const sync = async (name: string, files: SyncFile[]) => {
    if (!files.length) return resync(name);
    const start = core.timer.now();
    store.dispatch({ type: "update-start", service: name, trigger: files.map((f) => f.path), at: start });
    if (!ports.sync) return rebuild(name, files.map((f) => f.path), true);
    store.dispatch({ type: "phase", service: name, phase: "syncing" });
    const all = new Map(synced.get(name));
    for (const f of files) all.set(f.path, f);
    let outcome: { pods: number; current?: string[] | undefined; restart: boolean };
    try {
      const request = syncRequest(name, all.values());
      await kept.keep(request); // before a pod in crash back-off is replaced: its replacement starts with the fix
      await crashes.recover(core.project.namespace, name, stopping.signal);
      outcome = { ...(await ports.sync.sync(request)), restart: request.restart };
    } catch (error) {
      log("warn", syncFailed(name, error));
      return rebuild(name, files.map((f) => f.path), true);
    }
    // The sync's outcome is handled here; a crash right after it is watched for (after-sync.ts).
    // Kept-alive client connections led to the process that was just replaced: clients reconnect.
    if (outcome.restart) options.forwards?.reset(name);
    synced.set(name, all);
    if (outcome.current) current.set(name, new Set(outcome.current));
    store.dispatch({ type: "synced", service: name, files: files.map((f) => f.path), pods: outcome.pods, durationMs: core.timer.now() - start, restarted: outcome.restart });
    watchCrash(name, files.map((f) => f.path), outcome.current);
  };

  const core: WatchCore = new WatchCore(
    initial,
    { watcher: options.watcher, reload: options.reload, timer, quietMs: options.quietMs, maxWaitMs: options.maxWaitMs, syncQuietMs: options.syncQuietMs ?? 50 },
    {
      update: (name, change) => (change.kind === "sync" ? sync(name, change.files) : rebuild(name, change.files)),
      accept(_before, loaded) {
        store.dispatch({ type: "services", services: loaded.services.map((s) => ({ name: s.name, replicas: s.replicas })) });
        return loaded;
      },
      async replanned(before, after) {
        if (after.services.length < before.services.length || after.services.some((s) => !before.services.find((b) => b.name === s.name))) {
          // Which objects the services own is known without their images: nothing is built for a prune.
          // A manifests service's own objects are rendered for it; one that cannot be rendered now: no prune (it would delete them).
          const { rendered } = await renderOwn(after, ports.manifests, after.services);
          const next = plan(after, { rendered });
          const pruned = next.prunable ? await ports.kube.prune(next.keep) : [];
          if (pruned.length) store.dispatch({ type: "pruned", objects: pruned });
        }
        await reconcileForwards();
      },
      specInvalid: (errors) => store.dispatch({ type: "spec-invalid", errors }),
      specValid: (files) => store.dispatch({ type: "spec-valid", files }),
      replanFailed: (spec, error) => log("error", `re-planning after ${spec.join(", ")} failed: ${toErrorReport(error).message}`),
      watchFailed: (error) => log("error", watchFailedMessage(error)),
    },
  );

  let resyncHandle: unknown;
  const tick = () => {
    for (const name of synced.keys()) if (!core.busy(name) && !core.held(name)) core.schedule(name, { kind: "sync", files: [] });
    resyncHandle = core.timer.set(tick, options.resyncMs ?? 2000);
  };
  resyncHandle = core.timer.set(tick, options.resyncMs ?? 2000);

  return {
    idle: () => core.idle(),
    request(name, kind) {
      const s = core.service(name);
      const say = (message: string) => log("info", `[${name}] ${message}`);
      if (!s?.build) return say("has no build: nothing to rebuild or sync");
      if (kind === "rebuild") return core.changed(name, { kind: "rebuild", files: ["rebuild requested"] });
      const files = [...(synced.get(name)?.values() ?? [])];
      if (!files.length) return say(s.sync.length ? "nothing to sync: no synced file changed since the last build" : "has no sync rules (r rebuilds)");
      core.changed(name, { kind: "sync", files });
    },
    async close() {
      core.timer.clear(resyncHandle);
      crashes.close();
      stopping.abort(new Error("watching stopped"));
      await core.close();
      await core.idle();
    },
  };
}
