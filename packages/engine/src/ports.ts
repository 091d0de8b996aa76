/**
 * The engine's edges. The engine orchestrates; these ports do the I/O. The CLI wires the real
 * adapters (Docker, kind, the Kubernetes API); unit tests wire small fakes of the other side.
 */
import type { IngressSite, KubeObject, ObjectRef, Slot } from "@devup/manifests";
import type { ResolvedProject, ResolvedService } from "@devup/project";

export interface ImageRequest {
  service: string;
  /** Absolute paths. */
  context: string;
  dockerfile: string;
  args: Readonly<Record<string, string>>;
  target?: string | undefined;
  /** Build secrets (id → value) for `RUN --mount=type=secret,id=…`: the service's secret values and files. */
  secrets?: Readonly<Record<string, string>> | undefined;
}

export interface BuildResult {
  service: string;
  tag: string;
  action: "built" | "skipped" | "failed";
  durationMs: number;
  error?: unknown;
}

export interface ImagesPort {
  /** The content tag of a service's image (a hash of its build inputs). */
  tag(request: ImageRequest): Promise<string>;
  /** Builds what does not exist yet, a few at a time; one failure does not stop the others. `signal` stops the builds (rejects). */
  ensure(
    requests: ReadonlyArray<ImageRequest & { tag: string }>,
    on: { start: (service: string) => void; line: (service: string, line: string) => void },
    signal?: AbortSignal,
  ): Promise<BuildResult[]>;
  /** The image's ENTRYPOINT and CMD (for the restart wrapper of live update). */
  command?(tag: string): Promise<{ entrypoint: string[]; cmd: string[] } | undefined>;
}

export interface DeliveryResult {
  image: string;
  /** The reference the cluster pulls (the same image, or its name in a registry). */
  ref: string;
  action: "delivered" | "skipped" | "failed";
  method?: string | undefined;
  durationMs: number;
  error?: unknown;
  /** Why it was not delivered the usual way (e.g. the local registry stopped: kind load instead). */
  note?: string | undefined;
}

export interface ClusterPort {
  /** Creates the cluster or reuses a healthy one; returns the kubeconfig context to use. */
  ensure(): Promise<{ context: string; created: boolean }>;
  /** Makes images available to the cluster's nodes. */
  deliver(images: readonly string[]): Promise<DeliveryResult[]>;
}

export interface ForwardHandle {
  localPort: number;
  /** Drops the open client connections (after the process behind them restarted). */
  reset?(): void;
  close(): Promise<void>;
}

export interface KubePort {
  /**
   * Server-side apply; with `dryRun` the API server checks everything and persists nothing. A Namespace
   * still being deleted is waited for (and `onWait` told why) before it is created again.
   */
  apply(objects: readonly KubeObject[], options?: { dryRun?: boolean; onWait?: (message: string) => void }): Promise<void>;
  /** Deletes devup's objects of this project and environment that are not in `keep` (by kind, namespace, name); returns "Kind/name" of each. */
  prune(keep: ReadonlyArray<KubeObject | ObjectRef>): Promise<string[]>;
  /**
   * Resolves when the user's own objects (manifests:) are ready: Deployments rolled out, StatefulSets,
   * DaemonSets and Jobs done, CRDs Established, objects with a Ready condition Ready; throws a DevupError saying why not.
   */
  waitObjects?(objects: readonly KubeObject[], onProgress: (summary: string) => void, signal?: AbortSignal): Promise<void>;
  /** Resolves when the Deployment is available; throws a DevupError that says why not. `signal` stops waiting (rejects). */
  waitReady(namespace: string, name: string, onProgress: (ready: number, desired: number) => void, signal?: AbortSignal): Promise<void>;
  /**
   * Resolves once the Service `service` lists `minimum` ready pods among its endpoints (a Deployment is
   * available a moment before its Service sends traffic to the new pods); `onWaiting` hears, once, that it waits.
   */
  waitServed?(namespace: string, service: string, minimum: number, onWaiting: () => void, signal?: AbortSignal): Promise<void>;
  /** blueGreen: the slot the service's Service selects now and the release it runs (its template hash); undefined when the Service is not there. */
  liveSlot?(namespace: string, service: string): Promise<{ slot: Slot; template?: string | undefined } | undefined>;
  /** canary: the share of the ingress traffic `slot` gets now (its TraefikService's weights) and the release (template hash) its Deployment runs; undefined when there is no such split. */
  canaryWeight?(namespace: string, service: string, slot: Slot): Promise<{ weight: number; template?: string | undefined } | undefined>;
  /** blueGreen: one GET of `path` through the Service `service`'s port `port`; resolves on 2xx/3xx, throws saying what came back otherwise. */
  check?(namespace: string, service: string, port: string, path: string): Promise<void>;
  /** Every Ingress rule on the cluster (all namespaces); without it, ingress conflicts are not looked for. */
  ingressRoutes?(): Promise<ClusterRoute[]>;
  forward(options: {
    namespace: string;
    service: string;
    port: string;
    localPort: number;
    onState: (status: "ready" | "waiting" | "error", message?: string) => void;
  }): Promise<ForwardHandle>;
}

/** An Ingress rule on the cluster. */
export interface ClusterRoute {
  namespace: string;
  ingress: string;
  host: string;
  path: string;
}

export interface SyncRequest {
  namespace: string;
  service: string;
  /** `local` is absolute; when it no longer exists, `to` is deleted in the container. `within`: its sync rule's folder, which it must not leave through a symlink. */
  files: ReadonlyArray<{ local: string; to: string; within?: string | undefined }>;
  /** After the copy: commands to run in each container, and whether to restart its process. */
  run: ReadonlyArray<readonly string[]>;
  restart: boolean;
  /** Containers that already hold these files (keys from an earlier result): left alone. */
  skip?: ReadonlySet<string> | undefined;
}

export interface SyncPort {
  /**
   * Copies into every running pod of the service; throws (the engine then rebuilds) when one
   * cannot be synced. `current`: keys of the containers that now hold the files (a restarted
   * container or a new pod gets a new key).
   */
  sync(request: SyncRequest): Promise<{ pods: number; current?: string[] | undefined }>;
  /**
   * Keeps the files synced since the build in the cluster, where the restart wrapper of a new pod
   * unpacks them before the process starts (no stale code in a replaced pod); `[]` removes them.
   * Returns whether they are kept (false when too big).
   */
  keep?(namespace: string, service: string, files: SyncRequest["files"]): Promise<boolean>;
  /** The service's pods now (crash detection after a sync); without it, crashes are not watched for. */
  pods?(namespace: string, service: string): Promise<PodHealth[]>;
  /** The last lines the previous (crashed) instance of the pod's container wrote. */
  crashLogs?(namespace: string, pod: string): Promise<string[]>;
  /** Deletes pods: their replacements start at once instead of waiting out the crash back-off. */
  replace?(namespace: string, pods: readonly string[]): Promise<void>;
}

/** One pod of a service as crash detection sees it. */
export interface PodHealth {
  name: string;
  uid: string;
  restarts: number;
  running: boolean;
  /** Why the container waits (e.g. CrashLoopBackOff). */
  waiting?: string | undefined;
  lastExit?: { code: number; reason?: string | undefined } | undefined;
}

export interface WatchPort {
  /** Reports changed files (relative to the project root, "/"-separated) of every service's build context and the spec files. */
  watch(project: ResolvedProject, onChange: (path: string) => void, onError?: (error: unknown) => void): { close(): Promise<void> };
}

export interface HistoryPort {
  /** Records a deploy of the service (its applied objects and how it ended) in the cluster; returns the revision number. */
  record(
    namespace: string,
    service: string,
    objects: readonly KubeObject[],
    deploy: { trigger: readonly string[]; outcome: "ready" | "failed"; at: number; message?: string | undefined },
  ): Promise<number>;
}

export interface IngressPort {
  /** Where the cluster's provider serves routes; devup installs its controller only where it says so. */
  site: IngressSite;
  /** The controller image: a `local` one (built offline) is delivered like service images; the nodes pull any other. */
  controllerImage(): { image: string; local: boolean };
  /** The 127.0.0.1 port mapped to the ingress node's port 80; undefined when the cluster has no such mapping. */
  hostPort(): Promise<number | undefined>;
}

export interface ManifestsPort {
  /** A manifests service's objects as its YAML files, kustomization or chart give them (no image injected); throws a DevupError naming the spec line. */
  render(project: ResolvedProject, service: ResolvedService, signal?: AbortSignal): Promise<KubeObject[]>;
}

export interface Ports {
  images: ImagesPort;
  cluster: ClusterPort;
  kube: KubePort;
  /** Deploy history for `dev rollback`; without it, nothing is recorded. */
  history?: HistoryPort | undefined;
  /** Installs the ingress controller where the provider's site asks for it (kind); without it, none is installed. */
  ingress?: IngressPort | undefined;
  /** Renders services with manifests: (their own YAML, kustomize or Helm); without it such services fail. */
  manifests?: ManifestsPort | undefined;
  /** Live update; without it, every change is a rebuild. */
  sync?: SyncPort | undefined;
}
