/**
 * One update at a time per service. A change that arrives while that service updates is merged
 * into exactly one follow-up, which runs when the current update ends: no concurrency, no loss.
 */
export type Runner<T> = (service: string, work: T) => Promise<void>;

export class ServiceQueue<T> {
  readonly #running = new Map<string, Promise<void>>();
  readonly #pending = new Map<string, T>();
  readonly #run: Runner<T>;
  readonly #merge: (a: T, b: T) => T;

  constructor(run: Runner<T>, merge: (a: T, b: T) => T) {
    this.#run = run;
    this.#merge = merge;
  }

  /** Runs now, or queues (merged with what is queued) when the service is updating. */
  schedule(service: string, work: T): void {
    const queued = this.#pending.get(service);
    this.#pending.set(service, queued === undefined ? work : this.#merge(queued, work));
    if (!this.#running.has(service)) this.#start(service);
  }

  busy(service: string): boolean {
    return this.#running.has(service);
  }

  /** Resolves when nothing runs and nothing is queued. */
  async idle(): Promise<void> {
    while (this.#running.size) await Promise.all(this.#running.values());
  }

  #start(service: string): void {
    const work = this.#pending.get(service);
    if (work === undefined) return;
    this.#pending.delete(service);
    const task = this.#run(service, work)
      .catch(() => undefined) // the runner reports its own failures
      .then(() => {
        this.#running.delete(service);
        this.#start(service);
      });
    this.#running.set(service, task);
  }
}
