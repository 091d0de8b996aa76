/**
 * The synced files devup keeps in the cluster for new pods (SyncPort.keep): kept with every sync,
 * removed before a rebuild rolls out (the new image has the code; the kept copy could be older than
 * it), and kept again when that rebuild fails (the running pods still hold them).
 */
import { errorMessage } from "@devup/errors";
import type { Ports, SyncRequest } from "../ports.ts";
import type { Store } from "../store.ts";

export interface KeptFiles {
  keep(request: SyncRequest): Promise<void>;
  clear(namespace: string, service: string): Promise<void>;
}

export function keptFiles(ports: Ports, store: Store): KeptFiles {
  const kept = new Set<string>();
  const warn = (service: string, what: string, error: unknown) =>
    store.dispatch({ type: "log", level: "warn", message: `[${service}] ${what} (${errorMessage(error)}): a pod that replaces another may serve the image's code until the next re-sync` });
  return {
    async keep(request) {
      if (!ports.sync?.keep) return;
      try {
        if (await ports.sync.keep(request.namespace, request.service, request.files)) kept.add(request.service);
        else kept.delete(request.service);
      } catch (error) {
        warn(request.service, "the synced files could not be kept in the cluster", error);
      }
    },
    async clear(namespace, service) {
      if (!ports.sync?.keep || !kept.has(service)) return;
      try {
        await ports.sync.keep(namespace, service, []);
        kept.delete(service);
      } catch (error) {
        warn(service, "the kept synced files could not be removed before the rebuild", error);
      }
    },
  };
}
