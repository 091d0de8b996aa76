/**
 * Two projects on one cluster claiming the same ingress host and path: the controller sends the
 * requests to one of them, and the other's routes silently stop working. Found before applying.
 */
import type { ResolvedProject } from "@devup/project";
import { errorMessage } from "@devup/errors";
import type { ClusterRoute, Ports } from "./ports.ts";
import type { Store } from "./store.ts";

export interface IngressConflict {
  service: string;
  host: string;
  path: string;
  /** Who else claims it. */
  namespace: string;
  ingress: string;
}

const trimSlash = (path: string) => path.replace(/\/+$/, "") || "/";

/** Routes of `project` that an Ingress in another namespace claims too (same host, same path). */
export function ingressConflicts(project: ResolvedProject, routes: readonly ClusterRoute[]): IngressConflict[] {
  const out: IngressConflict[] = [];
  for (const s of project.services) {
    for (const r of s.ingress) {
      for (const other of routes) {
        if (other.namespace === project.namespace) continue;
        if (other.host === r.host && trimSlash(other.path) === trimSlash(r.path)) out.push({ service: s.name, host: r.host, path: r.path, namespace: other.namespace, ingress: other.ingress });
      }
    }
  }
  return out;
}

/** One conflict in words, with what to do. */
export function describeConflict(c: IngressConflict, specFile: string): string {
  return `[${c.service}] ingress ${c.host}${c.path} is also claimed by Ingress ${c.ingress} in namespace ${c.namespace}: requests go to only one of them. Change host or path in ${specFile}, or remove the other (dev down in its project)`;
}

/** Looks at the cluster's Ingresses and says each conflict (a warning: the deploy goes on). */
export async function reportIngressConflicts(project: ResolvedProject, ports: Ports, store: Store): Promise<IngressConflict[]> {
  if (!ports.kube.ingressRoutes || !project.services.some((s) => s.ingress.length)) return [];
  let routes: ClusterRoute[];
  try {
    routes = await ports.kube.ingressRoutes();
  } catch (error) {
    store.dispatch({ type: "log", level: "warn", message: `could not look for ingress routes other projects claim: ${errorMessage(error)}` });
    return [];
  }
  const conflicts = ingressConflicts(project, routes);
  for (const c of conflicts) {
    const specFile = project.services.find((s) => s.name === c.service)?.specFile ?? "the service.yaml";
    store.dispatch({ type: "log", level: "warn", message: describeConflict(c, specFile) });
  }
  return conflicts;
}
