/**
 * `dev run-local` as data: one container per service from the resolved spec (pure, no I/O).
 * The input types are the parts of @devup/project's ResolvedProject this needs, declared here
 * structurally so the docker package does not depend on the spec package.
 */
import type Docker from "dockerode";

type LocalEnvValue = { value: string } | { config: string } | { secret: string };

type LocalHealthCheck = { kind: "http"; path: string; port: string } | { kind: "tcp"; port: string } | { kind: "command"; command: string[] };

export interface LocalService {
  name: string;
  command?: string[] | undefined;
  args?: string[] | undefined;
  workingDir?: string | undefined;
  ports: Array<{ name: string; port: number; protocol: "TCP" | "UDP"; forward?: number | undefined }>;
  env: Array<[string, LocalEnvValue]>;
  config?: { values: Record<string, string>; files: Record<string, { content: string }>; mountPath: string } | undefined;
  secrets?: { values: Record<string, string>; files: Record<string, { content: string }>; mountPath: string; asEnv: boolean } | undefined;
  health?: { check: LocalHealthCheck; startupGraceSeconds: number; periodSeconds: number; timeoutSeconds: number; failureThreshold: number } | undefined;
  dependsOn: string[];
  replicas: number;
  /** Persistent volumes: a Docker named volume each. */
  volumes?: ReadonlyArray<{ name: string; mountPath: string }> | undefined;
}

export interface LocalProject {
  name: string;
  environment: string;
  services: readonly LocalService[];
}

export interface ContainerPlan {
  service: string;
  container: string;
  dependsOn: string[];
  /** Files copied into the container before it starts (absolute paths inside it). Secret contents: never print. */
  files: Array<{ path: string; content: string }>;
  create: Docker.ContainerCreateOptions;
  /** How long to wait for it to become healthy (or running, without a health check). */
  readyTimeoutMs: number;
  urls: string[];
  /** Without a health check: the first TCP port published on 127.0.0.1, whose answering means ready (as the cluster's default probe). */
  answersOn?: number | undefined;
  /** The spec asks for more replicas than run-local runs (one per service). */
  replicasSkipped: number;
  /** Docker named volumes the container mounts, created (with these labels) before it. They outlive the container. */
  volumes: Array<{ name: string; labels: Record<string, string> }>;
}

const LOCAL_LABELS = {
  project: "devup.dev/project",
  service: "devup.dev/service",
  volume: "devup.dev/volume",
  environment: "devup.dev/environment",
  managedBy: "app.kubernetes.io/managed-by",
} as const;

export const networkName = (project: LocalProject): string => `devup-${project.name}-${project.environment}`;
const containerName = (project: LocalProject, service: string): string => `devup-${project.name}-${service}`;

/** A service volume's Docker named volume: per project, environment and service, like the claim on the cluster. */
const localVolumeName = (project: LocalProject, service: string, volume: string): string => `devup-${project.name}-${project.environment}-${service}-${volume}`;

/** The labels every run-local object of this project and environment carries (and is found by). */
export function localLabels(project: LocalProject): Record<string, string> {
  return { [LOCAL_LABELS.project]: project.name, [LOCAL_LABELS.environment]: project.environment, [LOCAL_LABELS.managedBy]: "devup" };
}

/** Docker's durations are nanoseconds. */
const ns = (seconds: number): number => Math.round(seconds * 1e9);

/** Env as Docker wants it: secrets first when `asEnv` (explicit entries win, as envFrom/env do in Kubernetes). */
export function containerEnv(service: LocalService): string[] {
  const env = new Map<string, string>();
  if (service.secrets?.asEnv) for (const [k, v] of Object.entries(service.secrets.values)) env.set(k, v);
  for (const [name, v] of service.env) {
    const value = "value" in v ? v.value : "config" in v ? service.config?.values[v.config] : service.secrets?.values[v.secret];
    env.set(name, value ?? "");
  }
  return [...env].map(([k, v]) => `${k}=${v}`);
}

function portNumber(service: LocalService, port: string): number {
  const found = service.ports.find((p) => p.name === port || String(p.port) === port);
  return found?.port ?? Number(port);
}

/**
 * The spec's health check as a Docker HEALTHCHECK. http and tcp run a Node one-liner (the samples'
 * images have Node) and fall back to wget/curl/nc for images without it. The interval is capped at
 * 2 s so dependents start soon after a service is up (Docker 20.10 has no separate start interval).
 */
export function healthcheck(service: LocalService): Docker.HealthConfig | undefined {
  const h = service.health;
  if (!h) return undefined;
  let test: string[];
  if (h.check.kind === "command") {
    test = ["CMD", ...h.check.command];
  } else if (h.check.kind === "http") {
    const url = `http://127.0.0.1:${portNumber(service, h.check.port)}${h.check.path}`;
    const node = `fetch('${url}',{redirect:'manual'}).then(r=>process.exit(r.status>=200&&r.status<400?0:1),()=>process.exit(1))`;
    test = ["CMD-SHELL", `node -e "${node}" || wget -q -O /dev/null '${url}' || curl -fsS -o /dev/null '${url}'`];
  } else {
    const port = portNumber(service, h.check.port);
    const node = `require('net').connect(${port},'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))`;
    test = ["CMD-SHELL", `node -e "${node}" || nc -z 127.0.0.1 ${port}`];
  }
  return { Test: test, Interval: ns(Math.min(h.periodSeconds, 2)), Timeout: ns(h.timeoutSeconds), Retries: h.failureThreshold, StartPeriod: ns(h.startupGraceSeconds) };
}

function planContainer(project: LocalProject, service: LocalService, image: string, entrypoint: readonly string[] | undefined): ContainerPlan {
  const network = networkName(project);
  const published = service.ports.filter((p) => p.forward !== undefined);
  const key = (p: LocalService["ports"][number]) => `${p.port}/${p.protocol.toLowerCase()}`;
  const files = [
    ...Object.entries(service.config?.files ?? {}).map(([name, f]) => ({ path: inFolder(service.config!.mountPath, name), content: f.content })),
    ...Object.entries(service.secrets?.files ?? {}).map(([name, f]) => ({ path: inFolder(service.secrets!.mountPath, name), content: f.content })),
  ];
  const health = healthcheck(service);
  const volumes = (service.volumes ?? []).map((v) => ({
    name: localVolumeName(project, service.name, v.name),
    labels: { ...localLabels(project), [LOCAL_LABELS.service]: service.name, [LOCAL_LABELS.volume]: v.name },
    target: v.mountPath,
  }));
  const create: Docker.ContainerCreateOptions = {
    name: containerName(project, service.name),
    Image: image,
    Env: containerEnv(service),
    Labels: { ...localLabels(project), [LOCAL_LABELS.service]: service.name },
    ExposedPorts: Object.fromEntries(service.ports.map((p) => [key(p), {}])),
    HostConfig: {
      NetworkMode: network,
      PortBindings: Object.fromEntries(published.map((p) => [key(p), [{ HostIp: "127.0.0.1", HostPort: String(p.forward) }]])),
      RestartPolicy: { Name: "unless-stopped" },
      ...(volumes.length ? { Mounts: volumes.map((v) => ({ Type: "volume" as const, Source: v.name, Target: v.target })) } : {}),
    },
    NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [service.name] } } },
    // A given entrypoint (the restart loop around the real command) replaces the image's ENTRYPOINT and CMD.
    ...(entrypoint ? { Entrypoint: [...entrypoint] } : service.command ? { Entrypoint: service.command } : {}),
    ...(service.args && !entrypoint ? { Cmd: service.args } : {}),
    ...(service.workingDir ? { WorkingDir: service.workingDir } : {}),
    ...(health ? { Healthcheck: health } : {}),
  };
  const h = service.health;
  return {
    service: service.name,
    container: containerName(project, service.name),
    dependsOn: [...service.dependsOn],
    files,
    create,
    readyTimeoutMs: h ? (Math.max(h.startupGraceSeconds, 10) + h.periodSeconds * h.failureThreshold) * 1000 : 30_000,
    urls: published.map((p) => `http://127.0.0.1:${p.forward}`),
    answersOn: health ? undefined : published.find((p) => p.protocol === "TCP")?.forward,
    replicasSkipped: Math.max(0, service.replicas - 1),
    volumes: volumes.map(({ name, labels }) => ({ name, labels })),
  };
}

/**
 * One plan per service, in the spec's order; `images` maps service → image reference, and
 * `entrypoints` (optional) service → the whole command to run instead of the image's.
 */
export function planContainers(project: LocalProject, images: Readonly<Record<string, string>>, entrypoints: Readonly<Record<string, readonly string[]>> = {}): ContainerPlan[] {
  return project.services.map((s) => {
    const image = images[s.name];
    if (!image) throw new Error(`no image for service ${s.name}`);
    return planContainer(project, s, image, entrypoints[s.name]);
  });
}

/** A config or secret file's path in the container: its key when absolute, else under the mount folder. */
function inFolder(mountPath: string, key: string): string {
  return key.startsWith("/") ? key : `${mountPath}/${key}`;
}
