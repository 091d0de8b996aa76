/** Every Ingress rule on the cluster (all namespaces), as host + path: what a project's routes may collide with. */
import { httpStatus, kubeError } from "./api-error.ts";
import type { Kube } from "./kube.ts";

export interface ClusterRoute {
  namespace: string;
  ingress: string;
  host: string;
  path: string;
}

interface IngressItem {
  metadata?: { name?: string; namespace?: string; deletionTimestamp?: unknown };
  spec?: { rules?: Array<{ host?: string; http?: { paths?: Array<{ path?: string }> } }> };
}

/** Pure: the host + path pairs of Ingress objects. */
export function routesOf(items: readonly IngressItem[]): ClusterRoute[] {
  return items
    .filter((i) => !i.metadata?.deletionTimestamp)
    .flatMap((i) =>
      (i.spec?.rules ?? []).flatMap((r) =>
        (r.http?.paths ?? []).map((p) => ({ namespace: i.metadata?.namespace ?? "", ingress: i.metadata?.name ?? "", host: r.host ?? "*", path: p.path ?? "/" })),
      ),
    );
}

export async function listIngressRoutes(kube: Kube): Promise<ClusterRoute[]> {
  try {
    const list = await kube.objects.list("networking.k8s.io/v1", "Ingress");
    return routesOf(list.items);
  } catch (error) {
    if (httpStatus(error) === 404) return [];
    throw kubeError("listing the Ingresses of the cluster", error, kube.server);
  }
}
