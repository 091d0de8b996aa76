/** The provider registry: the spec's `cluster.provider` → its ClusterProvider. */
import { DevupError } from "@devup/errors";
import { contextProvider } from "./context/provider.ts";
import type { DeliverOptions, DeliveryResult } from "./delivery.ts";
import { kindProvider } from "./kind/provider.ts";
import type { ClusterProvider } from "./provider.ts";
import type { ClusterTarget } from "./types.ts";

const providers = new Map<string, ClusterProvider>();

/** Adds a provider under its name (the built-in ones are registered here; tests add their own). */
export function registerClusterProvider<T extends ClusterTarget>(provider: ClusterProvider<T>): void {
  if (providers.has(provider.name)) throw new RangeError(`a cluster provider named ${provider.name} is already registered`);
  providers.set(provider.name, provider);
}

registerClusterProvider(kindProvider);
registerClusterProvider(contextProvider);

export function clusterProvider(name: string): ClusterProvider {
  const provider = providers.get(name);
  if (!provider) throw new DevupError("internal", `no cluster provider named ${JSON.stringify(name)}`, { hint: `the registered providers are: ${[...providers.keys()].join(", ")}` });
  return provider;
}

/** Delivers images to a cluster a provider made ready (its `target`). */
export function deliverImages(cluster: ClusterTarget, images: readonly string[], options: DeliverOptions = {}): Promise<DeliveryResult[]> {
  return clusterProvider(cluster.provider).deliver(cluster, images, options);
}
