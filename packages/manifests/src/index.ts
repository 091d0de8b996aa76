export { buildObjects, namespaceObject, serviceObjects, serviceObjectRefs, sortObjects, redactSecrets, kindOrder, otherSlot, previewServiceName, slotDeploymentName, type ImageRefs, type Slot } from "./objects.ts";
export { renderFiles, renderStream, toYaml, RENDER_HEADER, type RenderedFile } from "./render.ts";
export { projectLabels, projectSelector, selectorLabels } from "./labels.ts";
export { claimName, configHash, configMapName, secretName } from "./workload.ts";
export { LABELS, ANNOTATIONS, MANAGED_BY, type KubeObject, type ObjectMeta, type ObjectRef } from "./types.ts";
export { testJob, testJobName, TEST_LABEL, type TestJobOptions } from "./job.ts";
export {
  ingressControllerObjects,
  ingressRoutes,
  wantsIngressController,
  INGRESS_CONTROLLER_NAME,
  INGRESS_NAMESPACE,
  TRAEFIK_UPSTREAM_IMAGE,
  type IngressRoute,
  type IngressSite,
} from "./ingress-controller.ts";
export { injectObjects, imageRepository, userObjectOrder, clusterScopedKinds, type InjectResult } from "./inject.ts";
export { ejectObjects, type EjectedFile } from "./eject.ts";
export { slotServiceName, splitTraffic, splitOf, type TrafficSplit } from "./canary.ts";
export { TRAEFIK_API_VERSION, TRAEFIK_KINDS } from "./traefik-crds.ts";
