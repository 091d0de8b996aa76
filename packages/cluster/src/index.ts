export type { ClusterProvider, ClusterSettings, ClusterStatus, EnsuredCluster, IngressSite, KubeAccess, ProviderTools } from "./provider.ts";
export { clusterProvider, deliverImages, registerClusterProvider } from "./providers.ts";
export { parseHarnessOutput } from "./harness-output.ts";
export type { DeliverOptions, DeliveryEvent, DeliveryMethod, DeliveryResult } from "./delivery.ts";
export type { ClusterTarget, LocalRegistry } from "./types.ts";
// The kind provider's parts, for the e2e tests and benchmarks that drive kind directly.
export {
  createKindCluster,
  deleteKindCluster,
  ensureKindCluster,
  kindCluster,
  kindClusterStatus,
  kindKubeconfig,
  type CreateKindClusterOptions,
  type KindCluster,
} from "./kind/cluster.ts";
export { nodeImages } from "./kind/node.ts";
export { normalizeImageRef } from "./refs.ts";
export { ensureLocalRegistry, findLocalRegistry, parseRegistryPort, type EnsureRegistryOptions } from "./kind/registry.ts";
