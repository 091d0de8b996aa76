/** The resolved spec: defaults applied, references checked, one environment chosen. What plans are made from. */

export interface ResolvedPort {
  name: string;
  port: number;
  protocol: "TCP" | "UDP";
  forward?: number | undefined;
}

export type ResolvedEnvValue = { value: string } | { config: string } | { secret: string };

export type HealthCheck =
  | { kind: "http"; path: string; port: string }
  | { kind: "tcp"; port: string }
  | { kind: "command"; command: string[] };

export interface ResolvedHealth {
  check: HealthCheck;
  startupGraceSeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  failureThreshold: number;
  liveness: boolean;
}

export interface FileContent {
  /** Source file, relative to the project root. */
  source: string;
  content: string;
}

export interface ResolvedSecrets {
  /** Values from the env file (or its example). Never print these. */
  values: Record<string, string>;
  files: Record<string, FileContent>;
  mountPath: string;
  asEnv: boolean;
  /** The env file the values came from, relative to the project root. */
  source: string | undefined;
  fromExample: boolean;
  /** The env file the spec names (relative to the project root), whether or not it exists yet. */
  envFile?: string | undefined;
}

export interface ResolvedResources {
  requests?: { cpu?: string | undefined; memory?: string | undefined } | undefined;
  limits?: { cpu?: string | undefined; memory?: string | undefined } | undefined;
}

export type SyncAction = "restart" | "none" | { run: string[] };

export interface ResolvedSync {
  /** Local path relative to the project root. */
  from: string;
  /** The same path relative to the build context (where it sits in the image's sources). */
  fromInContext: string;
  to: string;
  then: SyncAction;
}

export interface ResolvedVolume {
  /** The name within the service (a DNS label). */
  name: string;
  mountPath: string;
  /** A Kubernetes quantity, e.g. "1Gi". */
  size: string;
  /** Unset: the cluster's default StorageClass. */
  storageClass?: string | undefined;
}

/** An image field of a custom resource: objects of `kind`, the dotted `path` ("spec.workers[*].image"). */
export interface ImageField {
  kind: string;
  path: string;
}

/** Where a service's own objects come from; every path relative to the project root. */
export type ManifestSource =
  /** File paths or globs ("services/api/k8s/*.yaml"). */
  | { kind: "yaml"; files: string[] }
  | { kind: "kustomize"; dir: string }
  | { kind: "helm"; chart: string; version?: string | undefined; release: string; values: string[]; set: Record<string, string | number | boolean> };

export interface ResolvedManifests {
  source: ManifestSource;
  imageFields: ImageField[];
  /** The image name the objects refer to (build.image, else the service's name); replaced by the built image. */
  imageName: string;
  /** Where `manifests:` is written, for messages ("services/api/service.yaml:4:3"). */
  at: string;
}

/** A forward to a Service the user's objects define. */
export interface ManifestForward {
  /** The Kubernetes Service's name. */
  target: string;
  port: string | number;
  local: number;
}

export interface ResolvedService {
  name: string;
  /** The service's folder, relative to the project root ("." for inline services). */
  dir: string;
  /** The file that declares the service. */
  specFile: string;
  description?: string | undefined;
  build?: { context: string; dockerfile: string; args: Record<string, string>; target?: string | undefined } | undefined;
  image?: string | undefined;
  command?: string[] | undefined;
  args?: string[] | undefined;
  workingDir?: string | undefined;
  ports: ResolvedPort[];
  env: Array<[string, ResolvedEnvValue]>;
  config?: { values: Record<string, string>; files: Record<string, FileContent>; mountPath: string } | undefined;
  secrets?: ResolvedSecrets | undefined;
  replicas: number;
  /** Update strategy: a number of pods or a percentage ("25%") each. */
  rollout: {
    maxSurge: number | string;
    maxUnavailable: number | string;
    /** blueGreen: a Deployment per slot (blue, green), the Service switched after the new one is ready and verified. */
    /** canary: the same two slots, the ingress traffic moved to the new one in steps (Traefik weighted services), the Service switched at 100. */
    strategy: "rolling" | "blueGreen" | "canary";
    /** blueGreen and canary: GET `path` on `port` (a port name) of the new version before the switch (canary: at each step). */
    verify?: { path: string; port: string } | undefined;
    promote: "auto" | "manual";
    /** canary: the percentages of ingress traffic the new version gets, strictly increasing, the last 100. */
    steps?: number[] | undefined;
  };
  /** replicas > 1: how the pods spread over nodes (a topology spread constraint); unset for one replica. */
  spread?: { topologyKey: string; maxSkew: number; whenUnsatisfiable: "ScheduleAnyway" | "DoNotSchedule" } | undefined;
  /** replicas > 1: the PodDisruptionBudget (one of the two amounts); unset for one replica. */
  disruptionBudget?: { maxUnavailable: number | string } | { minAvailable: number | string } | undefined;
  resources?: ResolvedResources | undefined;
  health?: ResolvedHealth | undefined;
  dependsOn: string[];
  ingress: Array<{ host: string; path: string; port: string }>;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  metrics?: { port: string; portNumber: number; path: string } | undefined;
  sync: ResolvedSync[];
  /** Persistent volumes: a PersistentVolumeClaim each on the cluster, a Docker named volume in run-local. */
  volumes: ResolvedVolume[];
  test?: { command: string[] } | undefined;
  /** Set: the service's objects are the user's own (rendered, images injected), not generated. */
  manifests?: ResolvedManifests | undefined;
  /** Forwards into the user's objects (services with manifests). */
  forward: ManifestForward[];
}

export interface ResolvedCluster {
  /** The spec's cluster.provider (one of the schema's names); packages/cluster's registry maps it to a ClusterProvider. */
  provider: string;
  name: string;
  context?: string | undefined;
  /** Contexts devup did not create that the spec allows by name. */
  allowedContexts: string[];
  nodeImage?: string | undefined;
  /** Control-plane nodes (1 or 3). */
  controlPlanes: number;
  workers: number;
  registry?: string | undefined;
  ingress: { className: string; httpPort: number };
}

export interface ResolvedProject {
  name: string;
  /** Absolute path of the project root (the folder holding dev.yaml). */
  root: string;
  environment: string;
  environments: string[];
  namespace: string;
  cluster: ResolvedCluster;
  /** Sorted by name. */
  services: ResolvedService[];
  /**
   * Key for hashes of secret values (config-hash annotation, deploy history), set by `loadProject`
   * from the machine's key file; without it secret values are left out of those hashes. Never printed.
   */
  hashKey?: string | undefined;
}

/**
 * Files a service's objects are made from besides its spec file (config files, the secrets env file
 * — also while its example stands in —, secret files), relative to the project root. An edit to one
 * changes the service's ConfigMap or Secret: the spec is planned again, whatever .gitignore says.
 */
/**
 * The ports a service asks to reach from this machine (`forward`), with their local port: the one
 * list dev up's forwards (and the busy-port check before them), dev status's URLs and dev doctor's
 * free-port check are made from. (run-local's plan filters the same way on its own structural copy of
 * the service: the docker package does not depend on the spec package.)
 */
export function forwardedPorts(service: ResolvedService): Array<ResolvedPort & { forward: number }> {
  return service.ports.filter((p): p is ResolvedPort & { forward: number } => p.forward !== undefined);
}

export function specInputs(service: ResolvedService): string[] {
  const files = new Set<string>();
  for (const f of Object.values(service.config?.files ?? {})) files.add(f.source);
  if (service.secrets) {
    for (const p of [service.secrets.source, service.secrets.envFile]) if (p) files.add(p);
    for (const f of Object.values(service.secrets.files)) files.add(f.source);
  }
  return [...files].sort();
}

/**
 * What a service's own objects are rendered from (manifests:), relative to the project root: the
 * folder before a YAML glob's wildcard (or the file), the chart and its values files, the kustomize
 * folder — or, inside the service's folder, its top folder there, where bases usually sit. An edit there re-renders it.
 */
export function manifestInputs(service: ResolvedService): string[] {
  const source = service.manifests?.source;
  if (!source) return [];
  if (source.kind === "helm") return [source.chart, ...source.values];
  if (source.kind === "kustomize") {
    // services/api/deploy/overlays/dev → services/api/deploy: the base beside the overlays too.
    if (service.dir === "." || !source.dir.startsWith(`${service.dir}/`)) return [source.dir];
    return [`${service.dir}/${source.dir.slice(service.dir.length + 1).split("/")[0]!}`];
  }
  return [...new Set(source.files.map((f) => {
    const parts = f.split("/");
    const glob = parts.findIndex((p) => /[*?[\]{}]/.test(p));
    return glob < 0 ? f : parts.slice(0, glob).join("/") || ".";
  }))];
}

/** Services in dependency layers: each layer depends only on earlier ones. Assumes no cycles. */
export function dependencyLayers(services: readonly ResolvedService[]): string[][] {
  const remaining = new Map(services.map((s) => [s.name, new Set(s.dependsOn)]));
  const layers: string[][] = [];
  const done = new Set<string>();
  while (remaining.size > 0) {
    const layer = [...remaining].filter(([, deps]) => [...deps].every((d) => done.has(d))).map(([n]) => n).sort();
    if (layer.length === 0) throw new Error(`dependency cycle among ${[...remaining.keys()].join(", ")}`);
    for (const n of layer) {
      remaining.delete(n);
      done.add(n);
    }
    layers.push(layer);
  }
  return layers;
}

/** canary: the traffic steps when the spec gives none. */
export const DEFAULT_CANARY_STEPS: readonly number[] = [10, 50, 100];
