/**
 * The port-forwards a project wants, kept in step with the spec: `up` opens them for the services
 * that are ready, and the watch loop reconciles after a re-plan (a service added by a spec edit
 * gets its forwards once it is ready; a removed service's, or a changed port's, are closed).
 */
import { toErrorReport } from "@devup/errors";
import { forwardedPorts, type ResolvedProject } from "@devup/project";
import type { ForwardHandle, Ports } from "./ports.ts";
import type { Store } from "./store.ts";

interface Wanted {
  service: string;
  port: string;
  localPort: number;
  /** The Kubernetes Service to forward to when it is not the devup service's own (manifests: forward). */
  target?: string | undefined;
}

const keyOf = (w: Wanted) => `${w.service}/${w.port}/${w.localPort}`;

/** The port-forwards a project wants: every TCP port with a `forward`, and every `forward:` of a manifests service. */
export function wantedForwards(project: ResolvedProject): Wanted[] {
  // The Kubernetes API forwards TCP only.
  return project.services.flatMap((s) => [
    ...forwardedPorts(s).filter((p) => p.protocol === "TCP").map((p) => ({ service: s.name, port: p.name, localPort: p.forward })),
    ...s.forward.map((f) => ({ service: s.name, port: String(f.port), localPort: f.local, target: f.target })),
  ]);
}

export class ForwardSet {
  /** The forwards open now (a live list: reconcile adds and removes entries). */
  readonly handles: ForwardHandle[] = [];
  readonly #open = new Map<string, { handle: ForwardHandle; namespace: string }>();
  readonly #ports: Ports;
  readonly #store: Store;
  #chain: Promise<void> = Promise.resolve();

  constructor(ports: Ports, store: Store) {
    this.#ports = ports;
    this.#store = store;
  }

  /** Drops the client connections of a service's forwards (its process was restarted in place). */
  reset(service: string): void {
    for (const [key, open] of this.#open) if (key.startsWith(`${service}/`)) open.handle.reset?.();
  }

  /** Opens the missing forwards of the services `ready` says are ready; closes those the spec no longer has. One pass at a time. */
  reconcile(project: ResolvedProject, ready: (service: string) => boolean): Promise<void> {
    const run = this.#chain.then(() => this.#reconcile(project, ready));
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #reconcile(project: ResolvedProject, ready: (service: string) => boolean): Promise<void> {
    const want = wantedForwards(project);
    const keys = new Set(want.map((w) => `${project.namespace}|${keyOf(w)}`));
    for (const [key, open] of [...this.#open]) {
      if (keys.has(`${open.namespace}|${key}`)) continue;
      this.#open.delete(key);
      this.handles.splice(this.handles.indexOf(open.handle), 1);
      await open.handle.close();
      const [service, port, localPort] = key.split("/") as [string, string, string];
      this.#store.dispatch({ type: "forward", service, forward: { port, localPort: Number(localPort), url: `http://127.0.0.1:${localPort}`, status: "stopped" } });
    }
    for (const w of want) {
      if (this.#open.has(keyOf(w)) || !ready(w.service)) continue;
      const url = `http://127.0.0.1:${w.localPort}`;
      const report = (status: "ready" | "waiting" | "error" | "starting", message?: string) =>
        this.#store.dispatch({ type: "forward", service: w.service, forward: { port: w.port, localPort: w.localPort, url, status, message } });
      report("starting");
      try {
        const handle = await this.#ports.kube.forward({ namespace: project.namespace, service: w.target ?? w.service, port: w.port, localPort: w.localPort, onState: report });
        this.#open.set(keyOf(w), { handle, namespace: project.namespace });
        this.handles.push(handle);
      } catch (error) {
        report("error", toErrorReport(error).message);
      }
    }
  }
}
