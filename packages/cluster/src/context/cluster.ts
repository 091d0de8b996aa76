/**
 * The context provider: a cluster devup did not create, reached through a kubeconfig context the
 * user allowed (the guard that checks that permission lives with the CLI/engine, not here).
 * Images are pushed to the registry that cluster pulls from.
 */
import type { ClusterTarget } from "../types.ts";

/** A cluster reached through an existing kubeconfig context; images go to its registry. */
export interface ContextCluster extends ClusterTarget {
  provider: "context";
  context: string;
  /** Registry host (and optional path) the cluster pulls from: "registry.example.com/team". */
  registry: string;
}

export interface ContextClusterOptions {
  /** kubeconfig context name. */
  context: string;
  /** Registry host and optional path the cluster pulls from: "registry.example.com/team". */
  registry: string;
}

export function contextCluster(options: ContextClusterOptions): ContextCluster {
  const registry = options.registry.trim().replace(/\/+$/, "");
  if (!registry || /\s|^[a-z]+:\/\//i.test(registry)) {
    throw new RangeError(`registry must be a host[:port][/path] without a scheme, got "${options.registry}"`);
  }
  return { provider: "context", context: options.context, registry };
}
