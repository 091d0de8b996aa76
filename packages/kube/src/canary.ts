/**
 * canary releases on the cluster: the weighted TraefikServices of a service (Traefik's CRD), read
 * back as plain objects that can be re-weighted and applied again (`dev promote`, `dev abort`, `dev status`).
 */
import { httpStatus, kubeError } from "./api-error.ts";
import type { Kube } from "./kube.ts";
import { labelSelector } from "./selector.ts";
import type { KubeObject, ObjectMeta } from "./types.ts";

const API_VERSION = "traefik.io/v1alpha1";

/** The TraefikServices `selector` selects in `namespace` (name, namespace, labels and spec only: fit to apply again); none when Traefik's CRDs are not installed. */
export async function listWeightedServices(kube: Kube, namespace: string, selector: Readonly<Record<string, string>>): Promise<KubeObject[]> {
  try {
    const list = await kube.objects.list(API_VERSION, "TraefikService", namespace, undefined, undefined, undefined, undefined, labelSelector(selector));
    return (list.items as Array<{ metadata?: ObjectMeta; spec?: unknown }>)
      .filter((i) => i.metadata?.name && !i.metadata.deletionTimestamp)
      .map((i) => ({ apiVersion: API_VERSION, kind: "TraefikService", metadata: { name: i.metadata!.name!, namespace, labels: { ...i.metadata!.labels } }, spec: i.spec }));
  } catch (error) {
    if (httpStatus(error) === 404) return [];
    throw kubeError(`listing TraefikServices in namespace ${namespace}`, error, kube.server);
  }
}
