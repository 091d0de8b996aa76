/**
 * While `dev up` runs: is the Docker engine still there, and the kind cluster? Each fault is said
 * once in words when it starts and once when it ends, instead of only retry lines and
 * "[object Object]" from the forwards. A deleted cluster is also remembered, so the exit message
 * does not claim it still runs, and `dev up` can offer to create it again.
 */
import { createInterface } from "node:readline/promises";
import type { CommandContext } from "./context.ts";
import type { Output } from "./output.ts";

export type Health = "ok" | "docker-down" | "cluster-gone";

export interface HealthChecks {
  /** Resolves when the Docker engine answers; rejects (with the reason) when it does not. */
  docker(): Promise<void>;
  /** Whether the cluster still has nodes (undefined: not a cluster devup can see, e.g. a kube context). */
  cluster(): Promise<boolean | undefined>;
}

export interface HealthEvent {
  type: "docker-down" | "docker-back" | "cluster-gone" | "cluster-back";
  message: string;
}

export class HealthWatch {
  #state: Health = "ok";
  #handle: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  readonly #checks: HealthChecks;
  readonly #names: { cluster: string; docker: string };
  readonly #on: (event: HealthEvent) => void;

  constructor(checks: HealthChecks, names: { cluster: string; docker: string }, on: (event: HealthEvent) => void) {
    this.#checks = checks;
    this.#names = names;
    this.#on = on;
  }

  get state(): Health {
    return this.#state;
  }

  /** Looks once; says what changed since the last look. */
  async check(): Promise<Health> {
    const next = await this.#look();
    if (next !== this.#state && !this.#closed) {
      const before = this.#state;
      this.#state = next;
      this.#on(this.#event(before, next));
    }
    return this.#state;
  }

  /** Looks every `everyMs` until close(). */
  start(everyMs = 5000): this {
    const loop = () => {
      this.#handle = setTimeout(() => {
        void this.check().finally(() => {
          if (!this.#closed) loop();
        });
      }, everyMs);
      this.#handle.unref();
    };
    loop();
    return this;
  }

  close(): void {
    this.#closed = true;
    if (this.#handle) clearTimeout(this.#handle);
  }

  async #look(): Promise<Health> {
    try {
      await this.#checks.docker();
    } catch {
      return "docker-down";
    }
    // A failed look (a slow engine) says nothing new: the state stays as it was.
    const present = await this.#checks.cluster().catch(() => true);
    return present === false ? "cluster-gone" : "ok";
  }

  #event(before: Health, next: Health): HealthEvent {
    const { cluster, docker } = this.#names;
    if (next === "docker-down") {
      return { type: "docker-down", message: `the Docker engine does not answer (${docker}): builds, the local registry and the kind cluster ${cluster} are unavailable until it is back; devup retries on its own` };
    }
    if (next === "cluster-gone") {
      return { type: "cluster-gone", message: `the cluster ${cluster} is gone (it has no nodes: was it deleted?): forwards and updates cannot work until it is created again` };
    }
    return before === "docker-down"
      ? { type: "docker-back", message: `the Docker engine answers again (${docker})` }
      : { type: "cluster-back", message: `the cluster ${cluster} is there again` };
  }
}

/** The last line of `dev up`: what keeps running, true to what the health watch saw. */
export function stoppedMessage(forwards: number, cluster: string, namespace: string, health: Health): string {
  const stopped = `stopped ${forwards} forward${forwards === 1 ? "" : "s"}.`;
  if (health === "cluster-gone") return `${stopped} The cluster ${cluster} no longer exists (it was deleted while dev up ran): nothing of this project runs; dev up creates it again`;
  if (health === "docker-down") return `${stopped} The Docker engine did not answer at the end: the cluster ${cluster} and the workloads in namespace ${namespace} run again once it is back (dev down removes them)`;
  return `${stopped} Still running: the cluster ${cluster} and the workloads in namespace ${namespace} (dev down removes them; dev down --cluster also deletes the cluster)`;
}

/** A gone cluster: on a terminal with plain lines, asks whether to create it again (y/N); otherwise says how. */
export async function offerRecreate(ctx: CommandContext, out: Output, cluster: string, screen: boolean): Promise<boolean> {
  if (!ctx.interactive || screen || ctx.out.format !== "text") {
    out.info({ type: "hint", message: `to create the cluster ${cluster} again: ${screen ? "q" : "Ctrl-C"}, then dev up` });
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  // Ctrl-C while asking is still dev up's Ctrl-C.
  rl.on("SIGINT", () => {
    rl.close();
    process.kill(process.pid, "SIGINT");
  });
  try {
    return /^y(es)?$/i.test((await rl.question(`create the cluster ${cluster} again and deploy everything? [y/N] `)).trim());
  } catch {
    return false;
  } finally {
    rl.close();
  }
}
