/** What the other modules of this package share: the cluster targets and the local registry. */

/** A registry container on this machine that the kind nodes can reach by name. */
export interface LocalRegistry {
  /** Container name; the nodes reach it as <name>:<containerPort> on the kind network. */
  name: string;
  /** Host port (127.0.0.1) that pushes go to, as localhost:<port>. */
  port: number;
  /** Port inside the container (5000 for the registry:2 image). */
  containerPort: number;
}

/** A kind cluster devup manages. */
export interface KindCluster {
  provider: "kind";
  name: string;
  /** The kubeconfig context kind writes: kind-<name>. */
  context: string;
  /** Path of the kind binary (or "kind" from PATH). */
  kind: string;
  /** The local registry wired into the nodes, when there is one. */
  registry: LocalRegistry | undefined;
}

/** A cluster reached through an existing kubeconfig context; images go to its registry. */
export interface ContextCluster {
  provider: "context";
  context: string;
  /** Registry host (and optional path) the cluster pulls from: "registry.example.com/team". */
  registry: string;
}

export type Cluster = KindCluster | ContextCluster;
