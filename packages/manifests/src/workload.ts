/** A service's Deployment: containers, env, probes, mounts, spread. */
import { createHash, createHmac } from "node:crypto";
import { mountedFilePath, objectKey, type HealthCheck, type ResolvedHealth, type ResolvedProject, type ResolvedService } from "@devup/project";
import { selectorLabels, serviceLabels } from "./labels.ts";
import { ANNOTATIONS, type KubeObject } from "./types.ts";

export const configMapName = (service: string) => `${service}-config`;
export const secretName = (service: string) => `${service}-secrets`;
/** The PersistentVolumeClaim of a service's volume (the spec's names keep it a DNS label). */
export const claimName = (service: string, volume: string) => `${service}-${volume}`;

/**
 * A short hash of everything mounted or injected from config and secrets: pods roll when it changes.
 * Secret values enter only through an HMAC keyed with `project.hashKey` (the machine's private key), so
 * the annotation, which rendered YAML and anyone reading pods can see, does not let a weak secret be
 * guessed offline; without a key, only the secrets' names are hashed.
 */
export function configHash(service: ResolvedService, hashKey?: string): string {
  const h = createHash("sha256");
  const feed = (label: string, entries: Array<[string, string]>) => {
    for (const [k, v] of entries.sort(([a], [b]) => a.localeCompare(b))) h.update(`${label}\0${k}\0${v}\0`);
  };
  if (service.config) {
    feed("config", Object.entries(service.config.values));
    feed("config-file", Object.entries(service.config.files).map(([k, f]) => [k, f.content]));
  }
  if (service.secrets) {
    const secret = (v: string) => (hashKey ? createHmac("sha256", hashKey).update(v).digest("hex") : "");
    feed("secret", Object.entries(service.secrets.values).map(([k, v]) => [k, secret(v)]));
    feed("secret-file", Object.entries(service.secrets.files).map(([k, f]) => [k, secret(f.content)]));
  }
  return h.digest("hex").slice(0, 16);
}

function probeAction(check: HealthCheck): Record<string, unknown> {
  switch (check.kind) {
    case "http":
      return { httpGet: { path: check.path, port: check.port } };
    case "tcp":
      return { tcpSocket: { port: check.port } };
    case "command":
      return { exec: { command: check.command } };
  }
}

function probes(service: ResolvedService): Record<string, unknown> {
  const firstTcp = service.ports.find((p) => p.protocol === "TCP");
  const health: ResolvedHealth | undefined =
    service.health ??
    (firstTcp
      ? // No health check in the spec: ready once the first TCP port accepts connections (a UDP port cannot be probed).
        { check: { kind: "tcp", port: firstTcp.name }, startupGraceSeconds: 60, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3, liveness: false }
      : undefined);
  if (!health) return {};
  const action = probeAction(health.check);
  const timing = { timeoutSeconds: health.timeoutSeconds, failureThreshold: health.failureThreshold };
  return {
    // Checked every second while starting, so a ready pod is noticed quickly; the grace bounds how long.
    startupProbe: { ...action, periodSeconds: 1, timeoutSeconds: health.timeoutSeconds, failureThreshold: Math.max(1, Math.ceil(health.startupGraceSeconds)) },
    readinessProbe: { ...action, periodSeconds: health.periodSeconds, ...timing },
    ...(health.liveness ? { livenessProbe: { ...action, periodSeconds: Math.max(health.periodSeconds, 10), ...timing } } : {}),
  };
}

function envVars(service: ResolvedService): Array<Record<string, unknown>> {
  return service.env.map(([name, v]) => {
    if ("value" in v) return { name, value: v.value };
    if ("config" in v) return { name, valueFrom: { configMapKeyRef: { name: configMapName(service.name), key: v.config } } };
    return { name, valueFrom: { secretKeyRef: { name: secretName(service.name), key: v.secret } } };
  });
}

function resources(service: ResolvedService): Record<string, unknown> | undefined {
  const r = service.resources;
  if (!r) return undefined;
  const clean = (a: { cpu?: string | undefined; memory?: string | undefined } | undefined) => {
    if (!a) return undefined;
    const out: Record<string, string> = {};
    if (a.cpu !== undefined) out.cpu = a.cpu;
    if (a.memory !== undefined) out.memory = a.memory;
    return Object.keys(out).length ? out : undefined;
  };
  const out: Record<string, unknown> = {};
  const requests = clean(r.requests);
  const limits = clean(r.limits);
  if (requests) out.requests = requests;
  if (limits) out.limits = limits;
  return Object.keys(out).length ? out : undefined;
}

/**
 * What a container of the service gets from the spec besides its command: image, env, config and
 * secret mounts, resources; with `persistentVolumes`, its volumes' claims too.
 */
export function serviceContainer(service: ResolvedService, image: string, options: { persistentVolumes?: boolean } = {}): { container: Record<string, unknown>; volumes: Array<Record<string, unknown>> } {
  const volumes: Array<Record<string, unknown>> = [];
  const mounts: Array<Record<string, unknown>> = [];
  // Each file is mounted on its own (subPath): the image's other files in that folder stay visible.
  // subPath mounts do not follow later ConfigMap edits; the config-hash annotation rolls the pods instead.
  const configFiles = Object.keys(service.config?.files ?? {}).sort();
  if (service.config && configFiles.length) {
    volumes.push({ name: "config", configMap: { name: configMapName(service.name), items: configFiles.map((key) => ({ key: objectKey(key), path: objectKey(key) })) } });
    for (const key of configFiles) mounts.push({ name: "config", mountPath: mountedFilePath(service.config.mountPath, key), subPath: objectKey(key), readOnly: true });
  }
  const secretFiles = Object.keys(service.secrets?.files ?? {}).sort();
  if (service.secrets && secretFiles.length) {
    volumes.push({ name: "secrets", secret: { secretName: secretName(service.name), items: secretFiles.map((key) => ({ key: objectKey(key), path: objectKey(key) })) } });
    for (const key of secretFiles) mounts.push({ name: "secrets", mountPath: mountedFilePath(service.secrets.mountPath, key), subPath: objectKey(key), readOnly: true });
  }
  // Persistent volumes (the Deployment's pods only: a test Job must not open the service's data):
  // the pod volume is named after the spec's volume ("v-" keeps it apart from "config" and "secrets").
  if (options.persistentVolumes) {
    for (const v of service.volumes) {
      volumes.push({ name: `v-${v.name}`, persistentVolumeClaim: { claimName: claimName(service.name, v.name) } });
      mounts.push({ name: `v-${v.name}`, mountPath: v.mountPath });
    }
  }
  const envFromSecret = service.secrets?.asEnv && Object.keys(service.secrets.values).length > 0;
  const container: Record<string, unknown> = {
    name: service.name,
    image,
    imagePullPolicy: "IfNotPresent",
    ...(service.command ? { command: service.command } : {}),
    ...(service.args ? { args: service.args } : {}),
    ...(service.workingDir ? { workingDir: service.workingDir } : {}),
    ...(service.ports.length ? { ports: service.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol })) } : {}),
    ...(service.env.length ? { env: envVars(service) } : {}),
    ...(envFromSecret ? { envFrom: [{ secretRef: { name: secretName(service.name) } }] } : {}),
    ...(mounts.length ? { volumeMounts: mounts } : {}),
    ...(resources(service) ? { resources: resources(service) } : {}),
  };
  return { container, volumes };
}

/** How long a stopping pod with ports keeps serving before it is sent SIGTERM (within terminationGracePeriodSeconds). */
const PRE_STOP_SECONDS = 2;

export function deployment(project: ResolvedProject, service: ResolvedService, image: string): KubeObject {
  const selector = selectorLabels(project, service.name);
  const base = serviceContainer(service, image, { persistentVolumes: true });
  const volumes = base.volumes;
  const container: Record<string, unknown> = {
    ...base.container,
    ...probes(service),
    // A stopping pod serves on for a moment: kube-proxy and the ingress controller drop it from their
    // endpoints a little after it is marked terminating, and requests sent meanwhile would fail.
    ...(service.ports.length ? { lifecycle: { preStop: { sleep: { seconds: PRE_STOP_SECONDS } } } } : {}),
  };
  const podAnnotations: Record<string, string> = { ...service.annotations };
  if (service.config || service.secrets) podAnnotations[ANNOTATIONS.configHash] = configHash(service, project.hashKey);
  if (service.metrics) {
    podAnnotations["prometheus.io/scrape"] = "true";
    podAnnotations["prometheus.io/port"] = String(service.metrics.portNumber);
    podAnnotations["prometheus.io/path"] = service.metrics.path;
  }
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: service.name,
      namespace: project.namespace,
      labels: { ...service.labels, ...serviceLabels(project, service.name) },
      annotations: { [ANNOTATIONS.specFile]: service.specFile },
    },
    spec: {
      replicas: service.replicas,
      // Without any probe a pod counts as available the moment it starts, even one that crashes a
      // second later; a few seconds of staying up make "ready" mean something.
      ...(container.readinessProbe ? {} : { minReadySeconds: 5 }),
      revisionHistoryLimit: 5,
      selector: { matchLabels: selector },
      // Readiness gates the rollout: a new pod takes traffic (and an old one may stop) only once its
      // readiness probe passes, or after minReadySeconds without a probe.
      // A ReadWriteOnce volume is mounted by one pod at a time (and a database refuses a data folder
      // another process holds): the old pod stops before the new one starts.
      strategy: service.volumes.length
        ? { type: "Recreate" }
        : { type: "RollingUpdate", rollingUpdate: { maxSurge: service.rollout.maxSurge, maxUnavailable: service.rollout.maxUnavailable } },
      template: {
        metadata: {
          labels: { ...service.labels, ...serviceLabels(project, service.name) },
          ...(Object.keys(podAnnotations).length ? { annotations: podAnnotations } : {}),
        },
        spec: {
          // replicas > 1 (spread: in the spec): spread over nodes, so one node going away leaves pods serving.
          ...(service.spread
            ? {
                topologySpreadConstraints: [
                  {
                    maxSkew: service.spread.maxSkew,
                    topologyKey: service.spread.topologyKey,
                    whenUnsatisfiable: service.spread.whenUnsatisfiable,
                    labelSelector: { matchLabels: selector },
                  },
                ],
              }
            : {}),
          terminationGracePeriodSeconds: 10,
          containers: [container],
          ...(volumes.length ? { volumes } : {}),
        },
      },
    },
  };
}
