/** The ingress part of `dev status`: each route's URL and whether the controller that serves it runs. */
import { clusterProvider } from "@devup/cluster";
import { ingressConflicts } from "@devup/engine";
import { listIngressRoutes, type Kube } from "@devup/kube";
import { INGRESS_CONTROLLER_NAME, INGRESS_NAMESPACE, ingressRoutes, wantsIngressController, type IngressRoute } from "@devup/manifests";
import type { ResolvedProject } from "@devup/project";
import { localTools } from "./cluster-access.ts";

/**
 * ready / not ready / not installed: devup's controller on a kind cluster; no host port: the kind
 * cluster was created without the ingress port mapping; external: a controller devup does not manage.
 */
type ControllerState = "ready" | "not ready" | "not installed" | "no host port" | "external";

export interface IngressView {
  controller: ControllerState;
  /** `claimedBy`: the Ingresses in other namespaces with the same host and path ("Ingress NAME in namespace NS", comma-separated): requests go to only one of them. */
  routes: Array<IngressRoute & { claimedBy?: string | undefined }>;
}

/** The project's routes, each with the other project's Ingress that claims it too (when the cluster says). */
async function routesWithClaims(kube: Kube, project: ResolvedProject, routes: IngressRoute[]): Promise<IngressView["routes"]> {
  if (!routes.length) return routes;
  const conflicts = ingressConflicts(project, await listIngressRoutes(kube).catch(() => []));
  return routes.map((r) => {
    const claims = conflicts.filter((x) => x.service === r.service && x.host === r.host && x.path === r.path);
    return claims.length ? { ...r, claimedBy: claims.map((c) => `Ingress ${c.ingress} in namespace ${c.namespace}`).join(", ") } : r;
  });
}

export async function ingressView(kube: Kube, project: ResolvedProject): Promise<IngressView> {
  const provider = clusterProvider(project.cluster.provider);
  const site = provider.ingress(project.cluster);
  const routes = await routesWithClaims(kube, project, ingressRoutes(project, site));
  if (!wantsIngressController(project, site)) return { controller: "external", routes };
  if ((await provider.mappedIngressPort(project.cluster, await localTools(provider)).catch(() => undefined)) === undefined) return { controller: "no host port", routes };
  try {
    const d = await kube.apps.readNamespacedDeployment({ name: INGRESS_CONTROLLER_NAME, namespace: INGRESS_NAMESPACE });
    return { controller: (d.status?.readyReplicas ?? 0) > 0 ? "ready" : "not ready", routes };
  } catch {
    return { controller: "not installed", routes };
  }
}

/** Text lines: a heading with the controller's state, then `URL → service` per route. */
export function ingressLines(view: IngressView): string[] {
  if (view.routes.length === 0) return [];
  const notes: Record<ControllerState, string> = {
    ready: "Traefik ready",
    "not ready": "Traefik not ready: dev up says why",
    "not installed": "Traefik not installed: dev up installs it",
    "no host port": "not reachable: the cluster was created without the ingress port mapping; dev up --recreate-cluster",
    external: "served by the cluster's own ingress controller",
  };
  const note = notes[view.controller];
  return [`ROUTES (${note})`, ...view.routes.map((r) => `  ${r.url} → ${r.service}${r.claimedBy ? ` (also claimed by ${r.claimedBy}: requests go to only one of them)` : ""}`)];
}
