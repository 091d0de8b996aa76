/**
 * One forwarded TCP connection: local socket ⇄ client-node PortForward (a WebSocket through the
 * API server to the pod). Until the pod has sent its first byte, the client's bytes are kept, so a
 * connection that never reached the app (the pod went away, refused the port) is replayed on
 * another ready pod instead of failing the client; a pod that refuses while it is the only one
 * (its process restarting after a live update) is tried again for a few seconds. Between requests, a
 * connection can be moved to another pod (`move`, given with onConnected: its pod is going away):
 * the client keeps its connection and its next request goes to the new pod.
 */
import type { Socket } from "node:net";
import { PassThrough, Writable } from "node:stream";
import { PortForward } from "./k8s.ts";
import type { Kube } from "./kube.ts";

export interface Target {
  pod: string;
  port: number;
}

export interface ConnectionOptions {
  kube: Kube;
  namespace: string;
  socket: Socket;
  /** Where to connect now, avoiding pods that already failed this connection; throws when there is nowhere. */
  pick: (avoid: ReadonlySet<string>) => Promise<Target>;
  /**
   * The pod accepted the connection (it sent its first bytes). `move` closes the link to that pod and
   * sends what the client sends next to another one; call it only between requests (nothing in flight).
   */
  onConnected?: (target: Target, move: () => void) => void;
  /** The pod did not (the reason is the API server's or kubelet's words). */
  onFailed?: (target: Target, reason: string) => void;
}

/** The part of the `ws` WebSocket that this file uses (client-node returns one; its types come from a dependency of its own). */
interface WebSocketLike {
  readonly readyState: number;
  on(event: "close", listener: () => void): unknown;
  close(): void;
}
const WS_CLOSED = 3;

const MAX_ATTEMPTS = 3;
/** While the pod refuses the port (its process restarting, e.g. after a live update), keep trying this long. */
const REFUSED_RETRY_MS = 5_000;
/** The pause before trying a pod again that just failed (when there is no other). */
const RETRY_DELAY_MS = 100;
/** Bytes from the client kept for a replay; a larger request that fails at the pod is not replayed. */
const MAX_REPLAY_BYTES = 1024 * 1024;

/**
 * Whether the kubelet's error says the pod's port was never reached (so the client's bytes were not
 * delivered and can be sent to another pod). A request the app received and then died on is not
 * replayed: it may not be safe to run twice.
 */
export function neverConnected(reason: string): boolean {
  return /failed to connect|connection refused|no such (container|pod)|not found|unable to (do port forwarding|upgrade)/i.test(reason);
}

type Outcome = { kind: "closed" } | { kind: "failed"; reason: string } | { kind: "clientGone" } | { kind: "moved" };

/** Runs the connection until either side closes. Rejects (and destroys the socket) only when no attempt could connect. */
export async function pipeConnection(options: ConnectionOptions): Promise<void> {
  const { kube, namespace, socket } = options;
  const forwarder = new PortForward(kube.config);
  let kept: Buffer[] = [];
  let keptBytes = 0;
  let replayable = true;
  let responded = false;
  let input: PassThrough | undefined;
  /** Bytes handed to the current attempt's WebSocket. */
  let sent = 0;
  let clientGone = false;
  let clientGoneListener: (() => void) | undefined;

  socket.on("data", (chunk: Buffer) => {
    if (!responded && replayable) {
      kept.push(chunk);
      keptBytes += chunk.length;
      if (keptBytes > MAX_REPLAY_BYTES) {
        replayable = false;
        kept = [];
      }
    }
    if (input) {
      input.write(chunk);
      sent += chunk.length;
    }
  });
  socket.on("error", () => socket.destroy());
  socket.on("close", () => {
    clientGone = true;
    clientGoneListener?.();
  });
  socket.pause();

  const avoid = new Set<string>();
  let lastReason = "no attempt was made";
  let firstAttempt = Date.now();
  /** Which attempt is current: a moved-away attempt's late bytes are dropped. */
  let current = 0;
  for (let attempt = 0; !clientGone; attempt++) {
    const refused = /connection refused/i.test(lastReason);
    if (attempt >= MAX_ATTEMPTS && !(refused && Date.now() - firstAttempt < REFUSED_RETRY_MS)) break;
    let target: Target;
    try {
      target = await options.pick(avoid);
    } catch (error) {
      socket.destroy();
      throw error;
    }
    // The only pod there is failed this connection already: give it a moment before the next try.
    if (avoid.has(target.pod)) await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
    if (clientGone) return;
    const mine = ++current;
    const attemptInput = new PassThrough();
    input = attemptInput;
    for (const chunk of kept) input.write(chunk);
    sent = keptBytes;
    let moveWith!: () => void;
    const moved = new Promise<Outcome>((resolve) => (moveWith = () => resolve({ kind: "moved" })));
    // Synchronous, so that no byte the client sends from here on reaches the old pod: it is kept for the next one.
    const move = (): void => {
      if (mine !== current || !responded) return;
      current++;
      responded = false;
      replayable = true;
      kept = [];
      keptBytes = 0;
      input = undefined;
      socket.pause();
      moveWith();
    };

    // Set up before connecting: the kubelet's error can arrive in the same tick as the WebSocket opens.
    let failWith!: (reason: string) => void;
    const failed = new Promise<Outcome>((resolve) => (failWith = (reason) => resolve({ kind: "failed", reason })));
    const output = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        // Like the error channel, the data channel opens with the port number: an empty write here.
        if (chunk.length === 0 || mine !== current) {
          callback();
          return;
        }
        if (!responded) {
          responded = true;
          kept = [];
          options.onConnected?.(target, move);
        }
        socket.write(chunk);
        callback();
      },
    });
    const errors = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        // The error channel opens with the port number, which PortForward strips, leaving an empty write.
        const reason = chunk.toString("utf8").trim();
        if (reason && mine === current) failWith(reason);
        callback();
      },
    });

    let ws: WebSocketLike;
    try {
      // Typed as unknown: the WebSocket type comes from a package this one does not depend on.
      const result: unknown = await forwarder.portForward(namespace, target.pod, [target.port], output, errors, input);
      if (typeof result === "function" || result === null || typeof result !== "object") throw new Error("unexpected result from PortForward");
      ws = result as WebSocketLike;
    } catch (error) {
      lastReason = error instanceof Error ? error.message.split("\n")[0] ?? "" : String(error);
      options.onFailed?.(target, lastReason);
      avoid.add(target.pod);
      continue;
    }
    socket.resume();

    const closed = new Promise<Outcome>((resolve) => {
      ws.on("close", () => resolve({ kind: "closed" }));
      if (ws.readyState === WS_CLOSED) resolve({ kind: "closed" });
    });
    const gone = new Promise<Outcome>((resolve) => {
      clientGoneListener = () => resolve({ kind: "clientGone" });
      if (clientGone) resolve({ kind: "clientGone" });
    });
    // A failure already reported wins over a close that followed it.
    const outcome = await Promise.race([failed, closed, gone, moved]);
    if (outcome.kind === "moved") {
      // Between requests, off a pod that is going away: a fresh start on another pod.
      ws.close();
      attemptInput.end();
      avoid.clear();
      avoid.add(target.pod);
      attempt = -1;
      firstAttempt = Date.now();
      continue;
    }

    // The pod's side closed before anything was sent to it: the kubelet could not connect (it does
    // not always say so on the error channel). Nothing reached the app, so another pod may take it.
    const untouched = outcome.kind === "closed" && !responded && sent === 0;
    if (outcome.kind === "failed" || untouched) {
      const reason = outcome.kind === "failed" ? outcome.reason : "the pod closed the connection at once";
      options.onFailed?.(target, reason);
      lastReason = reason;
      if (!responded && replayable && (untouched || neverConnected(reason))) {
        ws.close();
        input?.end();
        avoid.add(target.pod);
        socket.pause();
        continue;
      }
      // Too late to move the client elsewhere (the app may have seen its bytes): let it end.
      if (outcome.kind === "failed") await Promise.race([closed, gone]);
    } else if (outcome.kind === "closed" && !responded) {
      options.onConnected?.(target, move);
    }
    ws.close();
    input?.end();
    socket.end();
    return;
  }
  socket.destroy();
  if (!clientGone) throw new Error(lastReason);
}
