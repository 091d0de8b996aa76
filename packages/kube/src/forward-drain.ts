/**
 * Draining a forward's client connections off a pod that is going away. Each client connection is
 * pinned to the pod it was piped to; kept-alive HTTP connections would keep sending requests there
 * until the process dies, and those requests fail. Once the pod is no longer ready (deleted,
 * replaced, failing its probe), each of its connections is moved to a ready pod (or, when it cannot
 * be moved, closed) as soon as it is idle (no bytes either way since the last look): in-flight
 * requests finish, and the client's next request goes to a ready pod on the same connection. Closing
 * instead loses a request the client sends just as the connection closes.
 */
export interface DrainableSocket {
  readonly bytesRead: number;
  readonly bytesWritten: number;
  destroy(): void;
}

interface Pin {
  pod: string;
  /** Sends the connection's next bytes to another pod (forward-connection.ts); without it, the connection is closed. */
  move?: (() => void) | undefined;
  /** Bytes each way at the last look (undefined: not looked at while draining yet). */
  read?: number;
  written?: number;
  /** What the last change was: a request came in (wait for its answer), or an answer went out. */
  last?: "request" | "answer";
}

export class ForwardDrain {
  readonly #pinned = new Map<DrainableSocket, Pin>();

  pin(socket: DrainableSocket, pod: string, move?: () => void): void {
    this.#pinned.set(socket, { pod, move });
  }

  unpin(socket: DrainableSocket): void {
    this.#pinned.delete(socket);
  }

  /**
   * Moves (or closes) the connections to pods not in `ready` that are between requests: quiet since the last
   * look, and what came last was an answer (or nothing). A request still waiting for its answer is
   * left alone. Returns how many such connections remain (look again soon: every few ms).
   */
  sweep(ready: ReadonlySet<string>): number {
    let left = 0;
    for (const [socket, pin] of this.#pinned) {
      if (ready.has(pin.pod)) {
        this.#pinned.set(socket, { pod: pin.pod, move: pin.move });
        continue;
      }
      const { bytesRead: read, bytesWritten: written } = socket;
      const first = pin.read === undefined;
      const asked = !first && read > pin.read!;
      const answered = !first && written > pin.written!;
      if (!first && !asked && !answered && pin.last !== "request") {
        this.#pinned.delete(socket);
        if (pin.move) pin.move();
        else socket.destroy();
        continue;
      }
      // Both in one look: the answer most likely followed the request (answers take a few ms).
      if (answered) pin.last = "answer";
      else if (asked) pin.last = "request";
      pin.read = read;
      pin.written = written;
      left++;
    }
    return left;
  }
}
