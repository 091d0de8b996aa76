/**
 * Draining a forward's client connections off a pod that is going away. Each client connection is
 * pinned to the pod it was piped to; kept-alive HTTP connections would keep sending requests there
 * until the process dies, and those requests fail. Once the pod is no longer ready (deleted,
 * replaced, failing its probe), each of its connections is closed as soon as it is idle (no bytes
 * either way since the last look): in-flight requests finish, and the client's next request opens a
 * new connection, which goes to a ready pod.
 */
export interface DrainableSocket {
  readonly bytesRead: number;
  readonly bytesWritten: number;
  destroy(): void;
}

export class ForwardDrain {
  readonly #pinned = new Map<DrainableSocket, { pod: string; bytes?: number }>();

  pin(socket: DrainableSocket, pod: string): void {
    this.#pinned.set(socket, { pod });
  }

  unpin(socket: DrainableSocket): void {
    this.#pinned.delete(socket);
  }

  /** Closes idle connections to pods not in `ready`; returns how many such connections are still busy (look again soon). */
  sweep(ready: ReadonlySet<string>): number {
    let busy = 0;
    for (const [socket, pin] of this.#pinned) {
      if (ready.has(pin.pod)) {
        delete pin.bytes;
        continue;
      }
      const bytes = socket.bytesRead + socket.bytesWritten;
      if (pin.bytes === bytes) {
        this.#pinned.delete(socket);
        socket.destroy();
      } else {
        pin.bytes = bytes;
        busy++;
      }
    }
    return busy;
  }
}
