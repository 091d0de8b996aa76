export { contextCluster, type ContextClusterOptions } from "./context-cluster.ts";
export { deliverImages, type DeliverOptions, type DeliveryEvent, type DeliveryMethod, type DeliveryResult } from "./deliver.ts";
export {
  createKindCluster,
  deleteKindCluster,
  ensureKindCluster,
  kindCluster,
  kindClusterStatus,
  kindKubeconfig,
  kindNodes,
  type CreateKindClusterOptions,
  type EnsureKindClusterOptions,
  type EnsuredKindCluster,
  type KindCliOptions,
  type KindClusterStatus,
} from "./kind.ts";
export { kindIngressHostPort } from "./ingress-port.ts";
export { kindConfigYaml, type KindConfigOptions } from "./kind-config.ts";
export { nodeImages } from "./node.ts";
export { normalizeImageRef, registryImageRef } from "./refs.ts";
export { ensureLocalRegistry, findLocalRegistry, parseRegistryPort, registryHost, wireRegistry, type EnsureRegistryOptions, type FindRegistryOptions } from "./registry.ts";
export type { Cluster, ContextCluster, KindCluster, LocalRegistry } from "./types.ts";
