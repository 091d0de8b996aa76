/** The project's workloads: its Deployments, found by label. */
import type { V1Deployment } from "./k8s.ts";
import type { Kube } from "./kube.ts";
import { labelSelector } from "./selector.ts";

export type Deployment = V1Deployment;

/** The Deployments in `namespace` that carry every label of `selector`. */
export async function listDeployments(kube: Kube, namespace: string, selector: Readonly<Record<string, string>>): Promise<Deployment[]> {
  return (await kube.apps.listNamespacedDeployment({ namespace, labelSelector: labelSelector(selector) })).items;
}
