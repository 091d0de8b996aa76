/**
 * File events → batches: a batch is flushed once no event arrived for `quietMs`, or `maxWaitMs`
 * after its first event even when events keep coming (tilt: 200 ms quiet, 10 s max).
 */
import type { Timer } from "./timer.ts";

export interface CoalesceOptions {
  quietMs?: number;
  maxWaitMs?: number;
  timer: Timer;
}

export class Coalescer {
  readonly #pending = new Set<string>();
  readonly #quietMs: number;
  readonly #maxWaitMs: number;
  readonly #timer: Timer;
  readonly #flush: (paths: string[]) => void;
  #firstAt = 0;
  #handle: unknown;

  constructor(flush: (paths: string[]) => void, options: CoalesceOptions) {
    this.#flush = flush;
    this.#quietMs = options.quietMs ?? 200;
    this.#maxWaitMs = options.maxWaitMs ?? 10_000;
    this.#timer = options.timer;
  }

  add(path: string): void {
    const now = this.#timer.now();
    if (this.#pending.size === 0) this.#firstAt = now;
    this.#pending.add(path);
    if (this.#handle !== undefined) this.#timer.clear(this.#handle);
    const wait = Math.max(0, Math.min(this.#quietMs, this.#firstAt + this.#maxWaitMs - now));
    this.#handle = this.#timer.set(() => this.#fire(), wait);
  }

  /** Drops what is pending (on shutdown). */
  close(): void {
    if (this.#handle !== undefined) this.#timer.clear(this.#handle);
    this.#handle = undefined;
    this.#pending.clear();
  }

  #fire(): void {
    this.#handle = undefined;
    const paths = [...this.#pending].sort();
    this.#pending.clear();
    if (paths.length) this.#flush(paths);
  }
}
