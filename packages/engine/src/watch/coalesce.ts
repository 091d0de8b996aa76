/**
 * File events → batches: a batch is flushed once no event arrived for `quietMs`, or `maxWaitMs`
 * after its first event even when events keep coming (tilt: 200 ms quiet, 10 s max). `quietFor`
 * may shorten the quiet period for some paths (e.g. files that are only synced, not rebuilt): a
 * batch waits for the longest quiet period of the paths in it.
 */
import type { Timer } from "./timer.ts";

export interface CoalesceOptions {
  quietMs?: number;
  maxWaitMs?: number;
  /** The quiet period a path needs (default: quietMs). */
  quietFor?: (path: string) => number;
  timer: Timer;
}

export class Coalescer {
  readonly #pending = new Set<string>();
  readonly #quietMs: number;
  readonly #maxWaitMs: number;
  readonly #timer: Timer;
  readonly #flush: (paths: string[]) => void;
  readonly #quietFor: ((path: string) => number) | undefined;
  #batchQuietMs = 0;
  #firstAt = 0;
  #handle: unknown;

  constructor(flush: (paths: string[]) => void, options: CoalesceOptions) {
    this.#flush = flush;
    this.#quietMs = options.quietMs ?? 200;
    this.#maxWaitMs = options.maxWaitMs ?? 10_000;
    this.#timer = options.timer;
    this.#quietFor = options.quietFor;
  }

  add(path: string): void {
    const now = this.#timer.now();
    if (this.#pending.size === 0) {
      this.#firstAt = now;
      this.#batchQuietMs = 0;
    }
    this.#pending.add(path);
    this.#batchQuietMs = Math.max(this.#batchQuietMs, this.#quietFor ? this.#quietFor(path) : this.#quietMs);
    if (this.#handle !== undefined) this.#timer.clear(this.#handle);
    const wait = Math.max(0, Math.min(this.#batchQuietMs, this.#firstAt + this.#maxWaitMs - now));
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
