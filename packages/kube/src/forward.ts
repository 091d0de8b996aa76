/**
 * Port-forwards that do not die: a local listener whose every connection goes to a pod that is
 * ready behind the Service at that moment (from watched pods), so a restarted or rescheduled pod
 * costs the client at most the connections it had open, never the forward.
 */
import { createServer } from "node:net";
import type { Server, Socket } from "node:net";
import { DevupError, errorMessage, isDevupError } from "@devup/errors";
import { networkCode } from "./api-error.ts";
import { pipeConnection } from "./forward-connection.ts";
import type { Target } from "./forward-connection.ts";
import { ForwardDrain } from "./forward-drain.ts";
import { choosePod, isPodReady } from "./forward-target.ts";
import { matchesLabels } from "./selector.ts";
import type { PodChoice } from "./forward-target.ts";
import type { Kube } from "./kube.ts";
import type { Pod, Service } from "./types.ts";
import { watchCache } from "./watch-cache.ts";

export type ForwardState = "waiting" | "ready" | "error";

export interface ForwardOptions {
  namespace: string;
  service: string;
  /** The Service port: its name, or its number. */
  port: string | number;
  /** 0 picks a free port (see `localPort` on the result). */
  localPort: number;
  host?: string;
  /** Called when the state changes: "waiting" (no ready pod), "ready", "error" (with the reason). */
  onState?: (state: ForwardState, message?: string) => void;
  /** How long a new connection waits for a ready pod before it is closed (default 30 s). */
  readyTimeoutMs?: number;
  /**
   * When the local port is taken by another process: keep trying every this many ms (state "error"
   * saying so meanwhile) and serve once it frees, instead of failing. Default: fail at once.
   */
  retryBusyPortMs?: number;
}

export interface Forward {
  readonly localPort: number;
  readonly state: ForwardState;
  readonly message: string | undefined;
  /** Closes the open connections (clients reconnect): after the process behind them was restarted, kept-alive ones lead nowhere. */
  resetConnections(): void;
  /** Stops listening, closes open connections and the watches. */
  close(): Promise<void>;
}

/** A pod that just failed a connection is passed over for this long while another is ready. */
const FAILED_POD_COOLDOWN_MS = 5_000;

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const where = `${host}:${port}`;
      if (error.code === "EADDRINUSE") {
        reject(
          new DevupError("portInUse", `${where} is already in use (by another process)`, {
            hint: "stop it, or change ports[].forward in the service's spec",
            cause: error,
          }),
        );
      } else {
        reject(new DevupError("usage", `cannot listen on ${where}: ${error.message}`, { hint: "choose another local port (above 1024) in ports[].forward", cause: error }));
      }
    };
    server.once("error", onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.off("error", onError);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}

export async function forwardService(kube: Kube, options: ForwardOptions): Promise<Forward> {
  const { namespace, service, port } = options;
  const host = options.host ?? "127.0.0.1";
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => onConnection(socket));
  let busy: string | undefined;
  let localPort: number;
  try {
    localPort = await listen(server, host, options.localPort);
  } catch (error) {
    if (!options.retryBusyPortMs || !isDevupError(error) || error.code !== "E_PORT_IN_USE") throw error;
    localPort = options.localPort;
    busy = `${host}:${localPort} is in use by another process; the forward starts as soon as it is free`;
  }

  let state: ForwardState = "waiting";
  let message: string | undefined = "connecting to the Kubernetes API";
  let connectionError: string | undefined;
  let lastPod: string | undefined;
  const failedAt = new Map<string, number>();
  let wakeups: (() => void)[] = [];
  let closing: Promise<void> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const setState = (next: ForwardState, why?: string): void => {
    if (next === state && why === message) return;
    state = next;
    message = why;
    options.onState?.(next, why);
  };

  // Client connections pinned to a pod that goes away (or that the Service no longer selects) move to a ready pod once idle (forward-drain.ts).
  const drain = new ForwardDrain();
  let sweeping: ReturnType<typeof setTimeout> | undefined;
  const sweep = (): void => {
    sweeping = undefined;
    if (closing) return;
    // Ready and selected by the Service now: a Service switched to other pods (a blue/green release) moves its connections too.
    const selector = services.items()[0]?.spec?.selector ?? {};
    const ready = new Set(
      pods
        .items()
        .filter((p) => isPodReady(p) && matchesLabels(p.metadata?.labels, selector))
        .map((p) => p.metadata?.name ?? ""),
    );
    if (drain.sweep(ready) > 0) sweeping = setTimeout(sweep, 10);
  };
  const onChange = (): void => {
    if (!sweeping && !busy) sweeping = setTimeout(sweep, 0);
    if (busy) return setState("error", busy);
    const current = choice();
    if (current.kind === "pod") setState(connectionError ? "error" : "ready", connectionError);
    else setState(current.kind, current.reason);
    const waiting = wakeups;
    wakeups = [];
    for (const wake of waiting) wake();
  };
  const onWatchError = (error: unknown, retryInMs: number): void => {
    const said = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    setState("error", `lost the watch on the Kubernetes API (${said}); retrying in ${Math.ceil(retryInMs / 1000)}s`);
  };
  const services = watchCache<Service>(kube, { apiVersion: "v1", kind: "Service", plural: "services", namespace, fieldSelector: `metadata.name=${service}`, onChange, onError: onWatchError });
  const pods = watchCache<Pod>(kube, { apiVersion: "v1", kind: "Pod", plural: "pods", namespace, onChange, onError: onWatchError });
  const retryListen = (): void => {
    retry = setTimeout(() => {
      if (closing) return;
      listen(server, host, localPort).then(
        () => {
          busy = undefined;
          onChange();
        },
        retryListen,
      );
    }, options.retryBusyPortMs);
  };
  if (busy) {
    setState("error", busy);
    retryListen();
  }

  function choice(avoid: ReadonlySet<string> = new Set()): PodChoice {
    if (!services.synced() || !pods.synced()) return { kind: "waiting", reason: "connecting to the Kubernetes API" };
    const now = Date.now();
    const cooling = new Set([...avoid, ...[...failedAt].filter(([, at]) => now - at < FAILED_POD_COOLDOWN_MS).map(([pod]) => pod)]);
    return choosePod(service, services.items()[0], pods.items(), port, { prefer: lastPod, avoid: cooling });
  }

  /** A ready pod now, or as soon as one is ready (up to readyTimeoutMs). */
  async function pick(avoid: ReadonlySet<string>): Promise<Target> {
    const deadline = Date.now() + readyTimeoutMs;
    for (;;) {
      if (closing) throw new Error("the forward was closed");
      const current = choice(avoid);
      if (current.kind === "pod") return { pod: current.pod, port: current.port };
      if (current.kind === "error") throw new Error(current.reason);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${current.reason}; gave up after ${Math.round(readyTimeoutMs / 1000)}s`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wakeups.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  function onConnection(socket: Socket): void {
    sockets.add(socket);
    socket.on("close", () => {
      sockets.delete(socket);
      drain.unpin(socket);
    });
    pipeConnection({
      kube,
      namespace,
      socket,
      pick,
      onConnected(target, move) {
        drain.pin(socket, target.pod, move);
        lastPod = target.pod;
        failedAt.delete(target.pod);
        connectionError = undefined;
        onChange();
      },
      // A pod that failed is passed over for a while; the state only turns to "error" when a
      // client's connection failed for good (a failure the next pod absorbed is not the user's problem).
      onFailed(target) {
        failedAt.set(target.pod, Date.now());
        if (lastPod === target.pod) lastPod = undefined;
      },
    }).catch((error: unknown) => {
      // The API server gone (cluster stopped or deleted, Docker down) is said in those words.
      const net = networkCode(error);
      connectionError = net ? `the Kubernetes API does not answer (${net}): is the cluster running? dev up starts or recreates it` : `a connection failed: ${errorMessage(error)}`;
      setState("error", connectionError);
    });
  }

  return {
    localPort,
    get state() {
      return state;
    },
    get message() {
      return message;
    },
    resetConnections() {
      for (const socket of sockets) socket.destroy();
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        clearTimeout(retry);
        clearTimeout(sweeping);
        services.close();
        pods.close();
        for (const wake of wakeups) wake();
        for (const socket of sockets) socket.destroy();
        if (server.listening) server.close(() => resolve());
        else resolve();
      });
      return closing;
    },
  };
}
