/** What the modules of this package share: a cluster target and the local registry. */

/** A local registry container on this machine that the kind nodes can reach by name. */
export interface LocalRegistry {
  /** Container name; the nodes reach it as <name>:<containerPort> on the kind network. */
  name: string;
  /** Host port (127.0.0.1) that pushes go to, as localhost:<port>. */
  port: number;
  /** Port inside the container (5000 for the registry:2 image). */
  containerPort: number;
}

/**
 * A cluster a provider has made ready: which provider owns it (its registry name) and the
 * kubeconfig context that reaches it. Each provider extends it with what its delivery needs.
 */
export interface ClusterTarget {
  provider: string;
  context: string;
}
