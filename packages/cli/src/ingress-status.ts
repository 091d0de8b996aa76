/** The ingress part of `dev status`: each route's URL and whether the controller that serves it runs. */
import type { Kube } from "@devup/kube";
import { INGRESS_CONTROLLER_NAME, INGRESS_NAMESPACE, ingressRoutes, wantsIngressController, type IngressRoute } from "@devup/manifests";
import type { ResolvedProject } from "@devup/spec";

/** ready / not ready / not installed: devup's controller on a kind cluster; external: a controller devup does not manage. */
type ControllerState = "ready" | "not ready" | "not installed" | "external";

export interface IngressView {
  controller: ControllerState;
  routes: IngressRoute[];
}

export async function ingressView(kube: Kube, project: ResolvedProject): Promise<IngressView> {
  const routes = ingressRoutes(project);
  if (!wantsIngressController(project)) return { controller: "external", routes };
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
  const note =
    view.controller === "ready" ? "Traefik ready" : view.controller === "external" ? "served by the cluster's own ingress controller" : `Traefik ${view.controller}: dev up installs it`;
  return [`ROUTES (${note})`, ...view.routes.map((r) => `  ${r.url} → ${r.service}`)];
}
