/**
 * The seam between devup and a kind of cluster. Everything that differs between kind, an existing
 * kubeconfig context, or a future k3d/minikube lives behind this interface, in one folder per
 * provider (`kind/`, `context/`); the registry (`providers.ts`) maps the spec's `cluster.provider`
 * to one. Callers (the CLI, through it the engine) never test a provider's name.
 */
import type { ResolvedCluster } from "@devup/project";
import type { DeliverOptions, DeliveryResult } from "./delivery.ts";
import type { ClusterTarget } from "./types.ts";

/** The cluster settings of the spec, after environment overlays. */
export type ClusterSettings = ResolvedCluster;

/** What this machine provides to providers that run locally (found on PATH or built by the offline harness). */
export interface ProviderTools {
  /** Path of the kind binary (default: kind on PATH). */
  kind?: string | undefined;
  /** The node image to use (default: the provider's own). */
  nodeImage?: string | undefined;
  /** The local registry container the harness runs. */
  registryContainer?: string | undefined;
}

/** How to reach a cluster's API: the caller applies the context guard, then connects. */
export interface KubeAccess {
  context: string;
  /** A kubeconfig document; without it the user's kubeconfig is read. */
  kubeconfigYaml?: string | undefined;
}

export interface EnsuredCluster {
  access: KubeAccess;
  /** Where images go: pass it back to the provider's `deliver`. */
  target: ClusterTarget;
  /** The cluster was created (or recreated) now, not reused. */
  created: boolean;
}

export interface ClusterStatus {
  exists: boolean;
  /** The API server answers. */
  apiReady: boolean;
  /** Node names (kind: node containers). */
  nodes: string[];
  /** Each node's role, when the provider can tell without the API (kind: from the container's name). */
  roles?: Readonly<Record<string, "control-plane" | "worker">>;
}

/** Where the project's ingress routes are served. */
export interface IngressSite {
  /** devup installs its own controller (Traefik) and serves routes on this machine. */
  installsController: boolean;
  /** The host port route URLs carry (127.0.0.1 mapping); undefined: the cluster's own ingress, on port 80. */
  hostPort: number | undefined;
}

export interface ClusterProvider<Target extends ClusterTarget = ClusterTarget> {
  /** The spec's `cluster.provider` value. */
  readonly name: string;
  /**
   * The cluster runs in this machine's Docker through tools the CLI finds or prepares (kind, the
   * offline harness): the CLI prepares the machine and checks that Docker answers before `ensure`.
   */
  readonly localMachine: boolean;
  /** devup created the cluster, so its context needs no --allow-context and `dev down --cluster` may delete it. */
  readonly ownsCluster: boolean;
  /** How plans and messages name the cluster: "kind cluster dev". */
  describe(settings: ClusterSettings): string;
  /** The kubeconfig context devup will use, known before anything runs (the context guard checks it first). */
  kubeContext(settings: ClusterSettings): string;
  /** Create or reuse (restart, recreate) the cluster; says how to reach it and where images go. */
  ensure(settings: ClusterSettings, tools: ProviderTools, options?: { recreate?: boolean | undefined }): Promise<EnsuredCluster>;
  /** How to reach the existing cluster, without creating anything; a DevupError (notFound, cluster) when it is missing or down. */
  access(settings: ClusterSettings, tools: ProviderTools): Promise<KubeAccess>;
  /** Exists, answers, nodes; absent when the provider cannot tell without the API (a context devup did not create). */
  status?(settings: ClusterSettings, tools: ProviderTools): Promise<ClusterStatus>;
  /** Cheap and often asked (dev up's health watch): whether the cluster's nodes still exist; absent when the provider cannot tell. */
  nodesExist?(settings: ClusterSettings, tools: ProviderTools): Promise<boolean>;
  /** Delete the cluster; false when it did not exist. Absent for clusters devup does not own. */
  delete?(settings: ClusterSettings, tools: ProviderTools): Promise<boolean>;
  /** Make images available to the nodes; per image the reference manifests must use. */
  deliver(target: Target, images: readonly string[], options?: DeliverOptions): Promise<DeliveryResult[]>;
  /** Where routes are served. */
  ingress(settings: ClusterSettings): IngressSite;
  /** The host port actually mapped to the ingress controller's node port 80; undefined when the cluster has none. */
  mappedIngressPort(settings: ClusterSettings, tools: ProviderTools): Promise<number | undefined>;
}
