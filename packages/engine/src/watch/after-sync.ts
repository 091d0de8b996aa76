/**
 * Crash detection for synced code. After a sync lands, the service's pods are watched for a short
 * window: a container that restarted since (or waits in crash back-off) crashed because of what was
 * synced. That is reported once, with the container's last lines and the synced files, and the
 * loop holds the service (no re-sync of the crashing files into each restarted container). When
 * the user's fix is synced, pods that Kubernetes holds in crash back-off are replaced first, so the
 * fix runs at once instead of after the back-off.
 */
import { errorMessage } from "@devup/errors";
import type { PodHealth, Ports } from "../ports.ts";
import type { Store } from "../store.ts";
import type { Timer } from "./timer.ts";

export interface CrashWatchOptions {
  /** How long after a sync a restart counts as caused by it (default 10 s). */
  windowMs?: number | undefined;
  /** How often the pods are looked at in that window (default 1 s). */
  pollMs?: number | undefined;
  /** How long a fix waits for replaced pods to run (default 30 s). */
  replaceWaitMs?: number | undefined;
}

export interface CrashWatch {
  /**
   * A sync of `files` landed in the containers `current` ("pod uid/restart count" keys): watch them.
   * `onCrash` runs once if one of them crashes within the window.
   */
  watch(namespace: string, service: string, files: readonly string[], current: readonly string[] | undefined, onCrash: () => void): void;
  /** Whether the service's last sync crashed it (and no fix has been synced since). */
  crashed(service: string): boolean;
  /** Whether a sync into the service landed within the window and is still being watched. */
  watching(service: string): boolean;
  /** Before a fix is synced into a crashed service: pods in crash back-off are replaced and awaited. */
  recover(namespace: string, service: string, signal?: AbortSignal): Promise<void>;
  close(): void;
}

const keyRestarts = (keys: readonly string[]) => new Map(keys.map((k) => [k.slice(0, k.lastIndexOf("/")), Number(k.slice(k.lastIndexOf("/") + 1))]));

export function crashWatch(ports: Ports, store: Store, timer: Timer, options: CrashWatchOptions = {}): CrashWatch {
  const windowMs = options.windowMs ?? 10_000;
  const pollMs = options.pollMs ?? 1000;
  // The current watch of each service: a newer sync ends the older window.
  const watches = new Map<string, number>();
  const crashed = new Set<string>();
  const handles = new Set<unknown>();
  // Waits of `recover` that close() ends at once.
  const sleepers = new Set<() => void>();
  let generation = 0;
  let closed = false;

  const later = (fn: () => void, ms: number) => {
    const handle = timer.set(() => {
      handles.delete(handle);
      fn();
    }, ms);
    handles.add(handle);
  };

  const report = async (namespace: string, service: string, files: readonly string[], hit: PodHealth[]) => {
    const first = hit[0]!;
    const logs = await Promise.resolve(ports.sync?.crashLogs?.(namespace, first.name))
      .then((lines) => lines ?? [])
      .catch((error: unknown) => [`(its log could not be read: ${errorMessage(error)})`]);
    store.dispatch({ type: "crashed", service, files: [...files], pods: hit.map((p) => p.name), exitCode: first.lastExit?.code, logs: logs.slice(-10) });
  };

  return {
    watch(namespace, service, files, current, onCrash) {
      const sync = ports.sync;
      if (!sync?.pods || !current?.length || closed) return;
      const before = keyRestarts(current);
      const mine = ++generation;
      watches.set(service, mine);
      crashed.delete(service);
      const until = timer.now() + windowMs;
      const poll = async () => {
        if (watches.get(service) !== mine || closed) return;
        const now = await sync.pods?.(namespace, service).catch(() => undefined); // unreachable for a moment: the next poll
        if (watches.get(service) !== mine || closed) return;
        const hit = (now ?? []).filter((p) => before.has(p.uid) && (p.restarts > before.get(p.uid)! || p.waiting === "CrashLoopBackOff"));
        if (hit.length) {
          watches.delete(service);
          crashed.add(service);
          onCrash();
          await report(namespace, service, files, hit);
          return;
        }
        if (timer.now() + pollMs <= until) later(() => void poll(), pollMs);
        else watches.delete(service);
      };
      later(() => void poll(), pollMs);
    },
    crashed: (service) => crashed.has(service),
    watching: (service) => watches.has(service),
    async recover(namespace, service, signal) {
      if (!crashed.delete(service)) return;
      const sync = ports.sync;
      if (!sync?.pods || !sync.replace) return;
      const stuck = (await sync.pods(namespace, service)).filter((p) => !p.running).map((p) => p.name);
      if (!stuck.length) return;
      await sync.replace(namespace, stuck);
      store.dispatch({ type: "log", level: "info", message: `[${service}] replaced ${stuck.length === 1 ? `pod ${stuck[0]}` : `pods ${stuck.join(", ")}`} (in crash back-off) so the fix runs now` });
      // The replacements start from the image: wait until they run, then the sync gives them the files.
      const until = timer.now() + (options.replaceWaitMs ?? 30_000);
      for (;;) {
        const now = await sync.pods(namespace, service).catch(() => []);
        if (now.length && now.every((p) => p.running && !stuck.includes(p.name))) return;
        if (timer.now() >= until || signal?.aborted) return; // the sync says what is wrong
        await new Promise<void>((resolve) => {
          const wake = () => (sleepers.delete(wake), resolve());
          sleepers.add(wake);
          later(wake, 500);
        });
        if (closed) return;
      }
    },
    close() {
      closed = true;
      for (const h of handles) timer.clear(h);
      handles.clear();
      watches.clear();
      for (const wake of [...sleepers]) wake();
    },
  };
}
