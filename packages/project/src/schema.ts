/**
 * The devup spec: one zod schema with descriptions and defaults. The JSON Schema that editors use
 * is generated from it (`pnpm gen`, checked in under schema/ and checked by a test).
 */
import { z } from "./zod.ts";
import { durationSeconds } from "./duration.ts";
import { compareQuantities, configKeyProblem, envVarNameProblem, ingressHostProblem, INT32_MAX, labelValueProblem, mountedFileKeyProblem, parseQuantity, portNameProblem, qualifiedNameProblem, quantityProblem } from "./k8s-rules.ts";

// Service names are Service object names: a DNS-1035 label (k8s apimachinery IsDNS1035Label), which
// also fits namespaces and label values; project and environment names share the rule.
const dnsLabel = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** A string checked by one of the Kubernetes rules in k8s-rules.ts (each returns a problem or undefined). */
const checked = (problem: (value: string) => string | undefined) =>
  z.string().superRefine((value, ctx) => {
    const p = problem(value);
    if (p) ctx.addIssue({ code: "custom", message: p });
  });
const LABEL_HINT = 'a lowercase DNS label: a-z, 0-9 and "-", starting with a letter, at most 63 characters (e.g. "users")';

export const Name = z
  .string()
  .max(63, { error: `must be ${LABEL_HINT}` })
  .regex(dnsLabel, { error: `must be ${LABEL_HINT}` });

const PortName = checked(portNameProblem);

const PortNumber = z
  .number({ error: "expected a port number from 1 to 65535" })
  .int({ error: "expected a whole port number" })
  .min(1, { error: "a port number must be from 1 to 65535" })
  .max(65535, { error: "a port number must be from 1 to 65535" });

/** A port of the service, by name ("http") or container port number (8080). */
const PortRef = z
  .union([z.string(), z.number().int()], { error: 'expected a port name (e.g. "http") or a container port number' })
  .describe('A port of this service: its name (e.g. "http") or its container port number.');

const DURATION = /^\d+(\.\d+)?(ms|s|m|h)$/;
const DURATION_ERROR = 'expected a duration: a number of seconds or a string like "500ms", "10s", "2m"';
export const Duration = z
  .union([z.number().nonnegative(), z.string().regex(DURATION, { error: DURATION_ERROR })], { error: DURATION_ERROR })
  // Probe seconds are int32 in the Kubernetes API (checked only once the form is right).
  .refine((d) => !(typeof d === "number" || DURATION.test(d)) || durationSeconds(d) <= INT32_MAX, { error: `a duration must be at most ${INT32_MAX} seconds` })
  .describe('Seconds, or a duration string like "500ms", "10s", "2m".');

const QUANTITY_ERROR = 'expected a Kubernetes quantity, e.g. cpu "250m" or memory "128Mi"';
const Quantity = z
  .union([z.number(), z.string()], { error: QUANTITY_ERROR })
  .superRefine((value, ctx) => {
    if (typeof value !== "string" && typeof value !== "number") return; // the union already said so
    const p = quantityProblem(value);
    if (p) ctx.addIssue({ code: "custom", message: p });
  })
  .describe('A Kubernetes quantity: cpu like "250m" or 0.5, memory like "128Mi".');

const ResourceAmounts = z.strictObject({
  cpu: Quantity.optional(),
  memory: Quantity.optional(),
});

export const Resources = z
  .strictObject({
    requests: ResourceAmounts.optional().describe("What the scheduler reserves for each replica."),
    limits: ResourceAmounts.optional().describe("The most each replica may use."),
  })
  .superRefine((r, ctx) => {
    // core ValidateResourceRequirements: a request may not exceed its limit.
    for (const kind of ["cpu", "memory"] as const) {
      const request = r.requests?.[kind];
      const limit = r.limits?.[kind];
      if (request === undefined || limit === undefined) continue;
      const [q, l] = [parseQuantity(String(request)), parseQuantity(String(limit))];
      if (typeof q === "string" || typeof l === "string" || compareQuantities(q, l) <= 0) continue;
      ctx.addIssue({
        code: "custom",
        path: ["requests", kind],
        message: `the ${kind} request ${String(request)} is more than the limit ${String(limit)}; Kubernetes requires request <= limit (raise limits.${kind} or lower the request)`,
      });
    }
  })
  .describe("CPU and memory per replica.");

const StringValue = z.string({ error: "expected a string (quote numbers and booleans)" });
const StringMap = z.record(z.string(), StringValue);
/** ConfigMap and Secret data: keys Kubernetes accepts as ConfigMap/Secret keys. */
const ConfigKeyMap = z.record(checked(configKeyProblem), StringValue);
/** Mounted files: a file name under mountPath, or an absolute path in the container. */
const FileKeyMap = z.record(checked(mountedFileKeyProblem), StringValue);
const Labels = z.record(checked(qualifiedNameProblem), StringValue.superRefine((value, ctx) => {
  const p = labelValueProblem(value);
  if (p) ctx.addIssue({ code: "custom", message: p });
}));
// apimachinery ValidateAnnotations checks the lowercased key.
const Annotations = z.record(checked((key) => qualifiedNameProblem(key.toLowerCase())), StringValue);
/** int32 in the Kubernetes API (replicas, probe thresholds). */
const Int32 = (min: number) => z.number().int().min(min).max(INT32_MAX, { error: `must be at most ${INT32_MAX} (Kubernetes stores it as a 32-bit integer)` });

const Port = z.strictObject({
  name: PortName.optional().describe('Port name, used by ingress, health and metrics. Default: "http" for the first port, else "port-<number>".'),
  port: PortNumber.describe("The port the container listens on."),
  protocol: z.enum(["TCP", "UDP"]).default("TCP"),
  forward: PortNumber.optional().describe("Forward this port to 127.0.0.1:<forward> during `dev up`."),
});

const EnvName = checked(envVarNameProblem);

export const EnvValue = z
  .union(
    [
      z.string(),
      z.number(),
      z.boolean(),
      z.strictObject({ config: z.string().describe("A key of this service's config.values.") }),
      z.strictObject({ secret: z.string().describe("A key of this service's secrets env file.") }),
    ],
    { error: "expected a string, a number, a boolean, { config: KEY } or { secret: KEY }" },
  )
  .describe("A literal value, or a reference to a config value or a secret.");

const Build = z
  .strictObject({
    context: z.string().default(".").describe("Build context, relative to the service's folder."),
    dockerfile: z.string().default("Dockerfile").describe("Dockerfile, relative to the build context."),
    args: StringMap.default({}).describe("Build arguments (ARG)."),
    target: z.string().optional().describe("Multi-stage build target."),
    image: z
      .string()
      .regex(/^[a-z0-9]+([._/-][a-z0-9]+)*$/, { error: 'expected an image repository name without a tag, e.g. "acme/api"' })
      .optional()
      .describe("With manifests: the image name the service's objects refer to (default: the service's name). devup replaces every reference to it by the built, content-tagged image."),
  })
  .describe("Build the image from a Dockerfile.");

const ImageField = z
  .strictObject({
    kind: z.string().min(1).describe('The kind of the objects that hold the image, e.g. "Widget".'),
    path: z
      .string()
      .regex(/^[A-Za-z0-9_-]+(\[\*\]|\[\d+\])?(\.[A-Za-z0-9_-]+(\[\*\]|\[\d+\])?)*$/, { error: 'expected a field path like "spec.image" or "spec.workers[*].image"' })
      .describe('Where the image is, as a dotted path from the object\'s root; "[*]" walks every item of a list, e.g. "spec.workers[*].image".'),
  })
  .describe("An image field of a custom resource that devup rewrites like a container's image.");

const Manifests = z
  .strictObject({
    yaml: z.array(z.string().min(1)).min(1).optional().describe('Plain Kubernetes YAML: file paths or globs ("k8s/*.yaml"), relative to the spec file\'s folder.'),
    kustomize: z.string().min(1).optional().describe("A kustomization folder, rendered with `kubectl kustomize`."),
    helm: z
      .strictObject({
        chart: z.string().min(1).describe("The chart's folder, relative to the spec file's folder."),
        version: z.string().optional().describe("The chart version to insist on (--version)."),
        release: Name.optional().describe("Release name. Default: the service's name."),
        values: z.array(z.string().min(1)).default([]).describe("Values files (-f), in order, relative to the spec file's folder."),
        set: z
          .record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()], { error: "expected a string, a number or a boolean" }))
          .default({})
          .describe('Values set on the command line: "image.tag: dev" (strings with --set-string, numbers and booleans with --set).'),
      })
      .optional()
      .describe("A Helm chart, rendered with `helm template`."),
    imageFields: z.array(ImageField).default([]).describe("Image fields of custom resources, besides containers and initContainers."),
  })
  .describe("Objects from your own YAML, kustomize folder or Helm chart instead of the generated ones (give one of yaml, kustomize or helm); devup injects the built image and its labels.");

const ManifestForward = z.strictObject({
  service: z.string().optional().describe("The Kubernetes Service to forward to. Default: the service's name."),
  port: z.union([z.string(), z.number().int()], { error: 'expected a Service port name (e.g. "http") or number' }).describe("The Service's port, by name or number."),
  local: PortNumber.describe("Forward 127.0.0.1:<local> to it during `dev up`."),
});

const HttpCheck = z.strictObject({
  path: z.string().startsWith("/", { error: 'an HTTP path must start with "/"' }).default("/health"),
  port: PortRef.optional().describe("Default: the service's first port."),
});

const Health = z
  .strictObject({
    http: HttpCheck.optional().describe("Ready when GET <path> answers 2xx/3xx."),
    tcp: z.strictObject({ port: PortRef.optional() }).optional().describe("Ready when the port accepts a connection."),
    command: z.array(z.string()).min(1).optional().describe("Ready when this command exits 0 inside the container."),
    startupGrace: Duration.default("60s").describe("How long a starting container may take before liveness checks count."),
    period: Duration.default("5s"),
    timeout: Duration.default("2s"),
    failureThreshold: Int32(1).default(3),
    liveness: z.boolean().default(true).describe("Also restart the container when the check keeps failing."),
  })
  .describe("Health check: readiness, liveness and startup probes. Give one of http, tcp or command.");

const Config = z
  .strictObject({
    values: ConfigKeyMap.default({}).describe("Literal config values (ConfigMap keys)."),
    files: FileKeyMap.default({}).describe("Files to mount: file name under mountPath (or an absolute path in the container, mounted on its own) → path relative to the service folder."),
    mountPath: z.string().optional().describe("Where config files are mounted. Default: /etc/<service>."),
  })
  .describe("Configuration, rendered as a ConfigMap.");

const Secrets = z
  .strictObject({
    envFile: z.string().optional().describe("A git-ignored KEY=value file, relative to the service folder."),
    example: z.string().optional().describe("A committed example of envFile, used (with a warning) when envFile is missing."),
    files: FileKeyMap.default({}).describe("Secret files to mount: file name under mountPath (or an absolute path in the container) → path relative to the service folder."),
    mountPath: z.string().default("/run/secrets"),
    asEnv: z.boolean().default(true).describe("Expose every key of envFile as an environment variable."),
  })
  .describe("Secrets, rendered as a Secret. Values never appear in logs or rendered output unless asked for.");

const IngressRoute = z.strictObject({
  host: checked(ingressHostProblem).default("localhost").describe('Host name, e.g. "api.localhost".'),
  path: z.string().startsWith("/", { error: 'a route path must start with "/"' }).default("/"),
  port: PortRef.optional().describe("Default: the service's first port."),
});

const SyncRule = z
  .strictObject({
    from: z.string().describe("Local path, relative to the service folder (inside the build context)."),
    to: z.string().startsWith("/", { error: "the container path must be absolute" }).describe("Path in the container."),
    then: z
      .union([z.enum(["restart", "none"]), z.strictObject({ run: z.array(z.string()).min(1) })], {
        error: 'expected "restart", "none" or { run: [command, ...] }',
      })
      .default("restart")
      .describe("After copying: restart the process, run a command, or nothing."),
  })
  .describe("Live update: copy changed files into the running container instead of rebuilding.");

const Metrics = z
  .strictObject({
    port: PortRef.optional().describe("Default: the service's first port."),
    path: z.string().default("/metrics"),
  })
  .describe("Prometheus scrape annotations for the pods.");

const ROLLOUT_AMOUNT_ERROR = 'expected a number of pods (e.g. 1) or a percentage of the replicas (e.g. "25%")';
const RolloutAmount = z.union([z.number().int({ error: ROLLOUT_AMOUNT_ERROR }).min(0, { error: ROLLOUT_AMOUNT_ERROR }).max(INT32_MAX, { error: ROLLOUT_AMOUNT_ERROR }), z.string().regex(/^\d+%$/, { error: ROLLOUT_AMOUNT_ERROR })], {
  error: ROLLOUT_AMOUNT_ERROR,
});

const Rollout = z
  .strictObject({
    maxSurge: RolloutAmount.default(1).describe(
      "Pods started above the wanted replicas while a new version rolls out. Default 1: even a single replica gets its successor started beside it.",
    ),
    maxUnavailable: RolloutAmount.default(0).describe(
      "Pods of the old version that may stop before their successors are ready. Default 0: the old pods keep serving until new ones pass their readiness check, so a broken build never takes a dev service down.",
    ),
    strategy: z
      .enum(["rolling", "blueGreen", "canary"])
      .default("rolling")
      .describe(
        "rolling (default): pods are replaced a few at a time. blueGreen: the new version comes up beside the old one as its own Deployment (<service>-blue or -green, reachable as <service>-preview), is checked (readiness, then verify:), and the Service switches to it at once; the old one keeps running (idle) until the next release, so dev rollback switches back. canary: the new version comes up beside the old one the same way and takes a growing share of the ingress traffic (steps:, through Traefik's weighted services), each step checked (verify:); at 100 the Service switches to it too. A canary needs a port and ingress: routes (the weights apply to ingress traffic).",
      ),
    steps: z
      .array(z.number({ error: "a step is a percentage of the ingress traffic, a whole number from 1 to 100" }).int({ error: "a step is a whole number from 1 to 100" }).min(1, { error: "a step sends at least 1% of the traffic to the new version" }).max(100, { error: "a step is at most 100 (all traffic)" }))
      .min(1, { error: "give at least one step; the last one is 100" })
      .optional()
      .describe(
        "canary: the percentages of ingress traffic the new version gets, one step after the other, strictly increasing, the last one 100. Default [10, 50, 100]. Each step is checked (verify:) and, with promote: manual, held until `dev promote SERVICE`.",
      ),
    verify: z
      .strictObject({
        http: z.strictObject({
          path: z.string().regex(/^\//, { error: "a path starts with /" }).describe("GET this path on the new version before the switch; a 2xx or 3xx answer passes."),
          port: z.string().optional().describe("The port (by name) to check; default the service's first port."),
        }),
      })
      .optional()
      .describe(
        "blueGreen and canary: a check of the new version (through a Service of its own), after its pods are ready and before any traffic reaches it (blueGreen), or at each step (canary). When it fails, all traffic stays on (goes back to) the old version and the new one is scaled to 0.",
      ),
    promote: z
      .enum(["auto", "manual"])
      .default("auto")
      .describe(
        "blueGreen and canary: auto (default) switches (moves to the next step) as soon as the new version passes; manual waits for `dev promote SERVICE` at the switch (at each canary step), or `dev abort SERVICE`.",
      ),
  })
  .describe("Update strategy: how a new version replaces the running one. maxSurge and maxUnavailable cannot both be 0.");

const SPREAD_WHEN_ERROR = 'expected "ScheduleAnyway" (prefer spreading, still start the pod) or "DoNotSchedule" (leave it pending instead)';
const Spread = z
  .strictObject({
    topologyKey: z
      .string()
      .min(1)
      .default("kubernetes.io/hostname")
      .describe('The node label whose values are spread over. Default "kubernetes.io/hostname": each node on its own; "topology.kubernetes.io/zone" spreads across zones.'),
    maxSkew: Int32(1).default(1).describe("How many more of the service's pods one node (or zone) may hold than another. Default 1."),
    whenUnsatisfiable: z
      .enum(["ScheduleAnyway", "DoNotSchedule"], { error: SPREAD_WHEN_ERROR })
      .default("ScheduleAnyway")
      .describe("ScheduleAnyway (default): spreading is preferred, a pod still starts where it cannot be (a one-node cluster); DoNotSchedule: it stays pending instead."),
  })
  .describe("How the pods of a service with replicas > 1 are spread across nodes (a topology spread constraint). Default: as evenly as possible over nodes, never leaving a pod pending for it.");

const DisruptionBudget = z
  .strictObject({
    maxUnavailable: RolloutAmount.optional().describe('Pods that may be down at once in a voluntary disruption (a node drain): a number or a percentage ("50%"). Default 1.'),
    minAvailable: RolloutAmount.optional().describe("Pods that must stay up during a voluntary disruption, instead of maxUnavailable."),
  })
  .describe(
    "The PodDisruptionBudget of a service with replicas > 1: how many of its pods a node drain (kubectl drain, dev drill node) may take down at once. Default: maxUnavailable 1. Give maxUnavailable or minAvailable, not both.",
  );

const VolumeName = z
  .string()
  .max(40, { error: "a volume name must be at most 40 characters (it becomes part of the PersistentVolumeClaim's and the Docker volume's names)" })
  .regex(dnsLabel, { error: 'a volume name must be a lowercase DNS label: a-z, 0-9 and "-", starting with a letter (e.g. "data")' });

const SIZE_ERROR = 'expected a storage size: a Kubernetes quantity such as "1Gi" or "500Mi"';
const Volume = z
  .strictObject({
    name: VolumeName.describe('The volume\'s name within the service, e.g. "data". The PersistentVolumeClaim is named <service>-<name>.'),
    mountPath: z.string().startsWith("/", { error: "the container path must be absolute" }).describe("Where the volume is mounted in the container."),
    size: z
      .string({ error: SIZE_ERROR })
      .regex(/^\d+(\.\d+)?(k|M|G|T|Ki|Mi|Gi|Ti)?$/, { error: SIZE_ERROR })
      .default("1Gi")
      .describe("Storage requested from the cluster (ignored by run-local). Default: 1Gi."),
    storageClass: z.string().optional().describe("StorageClass of the claim. Default: the cluster's default StorageClass."),
  })
  .describe(
    "A persistent volume: data that outlives the pod (a database's data folder). On the cluster a PersistentVolumeClaim (ReadWriteOnce), in run-local a Docker named volume. `dev down` keeps it; `dev down --volumes` removes it.",
  );

const serviceFields = {
  description: z.string().optional(),
  build: Build.optional(),
  image: z.string().optional().describe("A prebuilt image, instead of build."),
  command: z.array(z.string()).optional().describe("Overrides the image's ENTRYPOINT."),
  args: z.array(z.string()).optional().describe("Overrides the image's CMD."),
  workingDir: z.string().optional(),
  ports: z.array(Port).default([]),
  env: z.record(EnvName, EnvValue).default({}),
  config: Config.optional(),
  secrets: Secrets.optional(),
  replicas: Int32(0).default(1).describe("Replicas; more than one are spread across nodes."),
  rollout: Rollout.prefault({}),
  spread: Spread.prefault({}),
  disruptionBudget: DisruptionBudget.optional(),
  resources: Resources.optional(),
  health: Health.optional(),
  dependsOn: z.array(z.string()).default([]).describe("Services that must be ready before this one starts."),
  ingress: z.array(IngressRoute).default([]).describe("Routes from the cluster's ingress to this service."),
  labels: Labels.default({}),
  annotations: Annotations.default({}),
  metrics: Metrics.optional(),
  sync: z.array(SyncRule).default([]),
  volumes: z
    .array(Volume)
    .default([])
    .describe("Persistent volumes. A service with volumes is updated by stopping its pod before the new one starts (a ReadWriteOnce volume is mounted by one pod at a time)."),
  test: z.strictObject({ command: z.array(z.string()).min(1) }).optional().describe("Command that `dev ci` runs as a Job."),
  manifests: Manifests.optional(),
  forward: z.array(ManifestForward).default([]).describe("With manifests: port-forwards to the Services your objects define."),
};

/** services/<name>/service.yaml */
export const ServiceFile = z
  .strictObject({
    name: Name.optional().describe("Service name. Default: the folder's name."),
    ...serviceFields,
  })
  .describe("A devup service.");

/** A service listed inline in dev.yaml under services.<name>. */
const InlineService = z.strictObject(serviceFields);

/**
 * Control-plane nodes: odd, because etcd (one member per control-plane node) needs a majority to
 * work (2 members survive no failure, like 1; 4 survive one, like 3); at most 3, because each is a
 * full API server + etcd + controllers, and 5 of them do not fit a laptop's 2 to 8 cores.
 */
const ControlPlanes = z.literal([1, 3], {
  error: "must be 1 or 3: etcd (one member per control-plane node) needs a majority of its members, so an even count survives no more node failures than the odd count below it, and more than 3 control planes (each a full API server + etcd) do not fit a laptop",
});

const Cluster = z.strictObject({
  provider: z.enum(["kind", "context"]).default("kind").describe("kind: a local cluster devup manages; context: an existing kubeconfig context."),
  name: Name.optional().describe("kind cluster name. Default: devup."),
  context: z.string().optional().describe("kubeconfig context (provider: context)."),
  allowedContexts: z
    .array(z.string())
    .default([])
    .describe("kubeconfig contexts devup may deploy to although it did not create them (also: dev up --allow-context NAME)."),
  nodeImage: z.string().optional().describe("kind node image (also DEVUP_KIND_NODE_IMAGE)."),
  controlPlanes: ControlPlanes.default(1).describe(
    "kind control-plane nodes: 1 or 3. Each runs an API server and an etcd member; etcd needs a majority of its members, so an even count survives no more failures than the odd count below it. Above 1, kind puts a load balancer in front of the API servers.",
  ),
  workers: z.number().int().min(0).max(8).default(0).describe("kind worker nodes besides the control plane."),
  registry: z.string().optional().describe("Registry to push images to (provider: context), e.g. registry.example.com/team."),
  ingress: z
    .strictObject({
      className: z.string().default("traefik"),
      httpPort: PortNumber.default(8080).describe("Host port where ingress answers on 127.0.0.1."),
    })
    .prefault({}),
});

/** An environment's cluster settings: only the keys given replace the top-level ones (no defaults here). */
const ClusterOverlay = z
  .strictObject({
    provider: z.enum(["kind", "context"]).optional(),
    name: Name.optional(),
    context: z.string().optional(),
    allowedContexts: z.array(z.string()).optional(),
    nodeImage: z.string().optional(),
    controlPlanes: ControlPlanes.optional(),
    workers: z.number().int().min(0).max(8).optional(),
    registry: z.string().optional(),
    ingress: z.strictObject({ className: z.string().optional(), httpPort: PortNumber.optional() }).optional(),
  })
  .describe("Cluster settings for this environment: the keys given replace the top-level cluster's, the others stay.");

const ServiceOverlay = z
  .strictObject({
    replicas: Int32(0).optional(),
    env: z.record(EnvName, EnvValue).optional(),
    resources: Resources.optional(),
  })
  .describe("Per-service changes in this environment.");

const Environment = z
  .strictObject({
    namespace: Name.optional().describe("Namespace. Default: the project name, suffixed with -<env> except for local."),
    cluster: ClusterOverlay.optional(),
    env: z.record(EnvName, EnvValue).optional().describe("Environment variables added to every service."),
    services: z.record(z.string(), ServiceOverlay).default({}),
  })
  .describe("An overlay: what changes in this environment.");

/** dev.yaml */
export const DevFile = z
  .strictObject({
    name: Name.describe("Project name: part of labels, image names and the default namespace."),
    cluster: Cluster.prefault({}),
    defaults: z
      .strictObject({
        resources: Resources.optional(),
        env: z.record(EnvName, EnvValue).optional(),
      })
      .prefault({})
      .describe("Defaults for every service."),
    servicesDir: z.string().default("services").describe("Folder whose */service.yaml files are the services."),
    services: z.record(z.string(), InlineService).default({}).describe("Services listed inline (besides services/*/service.yaml)."),
    manifests: z
      .record(z.string(), Manifests)
      .default({})
      .describe("Shared infrastructure from your own YAML, kustomize folder or Helm chart, by name (a database chart): each is deployed like a service of that name, which others may dependsOn."),
    environments: z.record(Name, Environment).default({}).describe('Environment overlays. "local" always exists.'),
  })
  .describe("A devup project.");

export type DevFile = z.output<typeof DevFile>;
export type ServiceFile = z.output<typeof ServiceFile>;
export type ServiceFields = z.output<typeof InlineService>;
export type EnvValue = z.output<typeof EnvValue>;
export type Resources = z.output<typeof Resources>;
