/** One compose service → one devup service spec (a plain object, written as service.yaml). */
import { posix } from "node:path";
import type { PathSegment } from "../diagnostics.ts";
import type { ComposeService, FileRef } from "./files.ts";
import type { GeneratedFile } from "./convert.ts";
import { toDict } from "./merge.ts";
import { serviceMounts } from "./mounts.ts";
import { servicePorts } from "./ports.ts";
import { commandToArgv, composeCpus, composeDurationSeconds, composeMemory, healthTestToCommand } from "./values.ts";

export interface ServiceContext {
  composeName: string;
  /** The service's folder, relative to the project root. */
  dir: string;
  /** The compose file's folder (where the service's relative paths start), relative to the project root. */
  composeDir: string;
  /** Compose service name → devup service name. */
  names: ReadonlyMap<string, string>;
  configs: Record<string, FileRef>;
  secrets: Record<string, FileRef>;
  volumes: Record<string, unknown>;
  /** Whether other services reach this one (depends_on, or its name as a host in their settings). */
  reached: boolean;
  /** Image name → the compose service that builds it. */
  builtBy: ReadonlyMap<string, string>;
  services: ReadonlyMap<string, ComposeService>;
  readFile: (path: string) => string | undefined;
  /** EXPOSE ports of local images (see ComposeSources.imagePorts). */
  imagePorts?: ReadonlyMap<string, ReadonlyArray<{ port: number; protocol: "TCP" | "UDP" }>> | undefined;
  /** Records an image whose ports only its EXPOSE lines could tell. */
  unknownImage?: (image: string) => void;
  /** A scalar's text as written in the compose file, by path inside the service. */
  sourceText: (path: PathSegment[]) => string | undefined;
  note: (path: PathSegment[], message: string) => void;
}

const NOT_CARRIED: Record<string, string> = {
  networks: "not needed: services reach each other by name through their Kubernetes Services",
  network_mode: "not carried: pods have their own network; services reach each other by name",
  privileged: "not carried: devup does not generate privileged pods; add a securityContext yourself if you must",
  cap_add: "not carried: add capabilities in a securityContext yourself if you must",
  cap_drop: "not carried: add a securityContext yourself",
  devices: "not carried: host devices are not available to pods in the dev cluster",
  extra_hosts: "not carried: use Kubernetes DNS names (the service names) instead",
  container_name: "not needed: pods are named by Kubernetes; reach the service by its name",
  restart: "not needed: Kubernetes restarts crashed containers itself",
  links: "not needed: every service reaches every other by its name",
  ulimits: "not carried: no per-pod ulimits in Kubernetes",
  sysctls: "not carried: add pod securityContext.sysctls yourself if you must",
  security_opt: "not carried: add a securityContext yourself",
  logging: "not needed: `dev logs` reads every container's output",
  user: "not carried: set USER in the Dockerfile or add runAsUser yourself",
  hostname: "not carried: pods get their own host names",
  tmpfs: "not carried: use an emptyDir volume with medium: Memory",
  pid: "not carried",
  ipc: "not carried",
  shm_size: "not carried",
  stop_grace_period: "not carried: devup gives containers 10 s to stop",
  profiles: "not carried: every service in the spec is started; use environments for variants",
  platform: "not carried: images are built for this machine",
};

const CARRIED = new Set([
  "build", "image", "command", "entrypoint", "working_dir", "ports", "expose", "environment", "env_file",
  "depends_on", "healthcheck", "deploy", "configs", "secrets", "labels", "mem_limit", "cpus", "mem_reservation", "volumes", "extends",
]);

/** build keys devup has no equivalent for. */
const BUILD_NOT_CARRIED = ["secrets", "ssh", "cache_from", "cache_to", "labels", "additional_contexts", "entitlements", "tags", "platforms", "network", "shm_size", "extra_hosts", "isolation", "privileged", "pull", "no_cache", "ulimits"];

export function convertService(svc: ComposeService, ctx: ServiceContext): { spec: Record<string, unknown>; extraFiles: GeneratedFile[] } {
  const spec: Record<string, unknown> = {};
  const extraFiles: GeneratedFile[] = [];
  /** A path relative to the project root → relative to the service's folder. */
  const fromRoot = (p: string) => posix.relative(ctx.dir, posix.normalize(p)) || ".";
  /** A path in the compose folder → relative to the service's folder. */
  const fromService = (p: string) => fromRoot(posix.join(ctx.composeDir, p));

  for (const key of Object.keys(svc)) {
    if (CARRIED.has(key) || key.startsWith("x-")) continue;
    ctx.note([key], NOT_CARRIED[key] ?? `not carried: devup has no equivalent of compose's ${JSON.stringify(key)}`);
  }

  // build / image
  const build = svc.build as string | { context?: string; dockerfile?: string; dockerfile_inline?: string; args?: Record<string, unknown> | string[]; target?: string; [k: string]: unknown } | undefined;
  if (build !== undefined) {
    const b = typeof build === "string" ? { context: build } : build;
    const context = b.context ?? ".";
    if (/^[a-z]+:\/\/|^git@|\.git(#|$)/.test(context)) {
      ctx.note(["build"], `not carried: the remote build context ${context}; clone it into the project and set build.context in services/${ctx.names.get(ctx.composeName)}/service.yaml`);
    } else {
      const out: Record<string, unknown> = { context: fromService(context) };
      if (b.dockerfile_inline !== undefined) {
        const path = `${ctx.dir}/Dockerfile.inline`;
        extraFiles.push({ path, content: b.dockerfile_inline });
        out.dockerfile = posix.relative(posix.join(ctx.composeDir, context), path);
        ctx.note(["build", "dockerfile_inline"], `carried as a file: the inline Dockerfile is written to ${path}`);
      } else if (b.dockerfile) out.dockerfile = b.dockerfile;
      const args: Record<string, string> = {};
      for (const [k, v] of Object.entries(toDict("args", b.args))) {
        if (v === null || v === undefined) ctx.note(["build", "args"], `not carried: build arg ${k} has no value (compose takes it from your shell); the Dockerfile's default applies`);
        else args[k] = scalar(v);
      }
      if (Object.keys(args).length) out.args = args;
      if (b.target) out.target = b.target;
      spec.build = out;
    }
    for (const key of BUILD_NOT_CARRIED) if (b[key] !== undefined) ctx.note(["build", key], `not carried: build.${key} (devup builds with the context, Dockerfile, args and target only)`);
    if (svc.image) ctx.note(["image"], `not used: devup tags built images by their content (compose named it ${JSON.stringify(svc.image)})`);
  } else if (typeof svc.image === "string") {
    const builder = ctx.builtBy.get(svc.image);
    const built = builder === undefined ? undefined : convertService({ build: ctx.services.get(builder)!.build }, { ...ctx, note: () => {} }).spec.build;
    if (built) {
      spec.build = built;
      ctx.note(["image"], `built like service ${builder}: the image ${svc.image} exists only once ${builder} builds it`);
    } else spec.image = svc.image;
  }
  if (svc.entrypoint !== undefined) spec.command = argv(svc.entrypoint as string | string[], "entrypoint", ctx);
  if (svc.command !== undefined) spec.args = argv(svc.command as string | string[], "command", ctx);
  if (typeof svc.working_dir === "string") spec.workingDir = svc.working_dir;

  spec.ports = servicePorts(svc, ctx);
  if ((spec.ports as unknown[]).length === 0) delete spec.ports;

  // environment + env_file
  const env: Record<string, string> = {};
  if (Array.isArray(svc.environment)) {
    (svc.environment as string[]).forEach((entry, i) => {
      const eq = entry.indexOf("=");
      if (eq === -1) ctx.note(["environment", i], `not carried: ${entry} takes its value from your shell; set a value or move it to an env file`);
      else env[entry.slice(0, eq)] = entry.slice(eq + 1);
    });
  } else if (svc.environment && typeof svc.environment === "object") {
    for (const [k, v] of Object.entries(svc.environment as Record<string, unknown>)) {
      if (v === null || v === undefined) ctx.note(["environment", k], `not carried: ${k} takes its value from your shell; set a value or move it to an env file`);
      // Integers JavaScript cannot hold exactly keep the text they were written with.
      else if (typeof v === "number" && Number.isInteger(v) && !Number.isSafeInteger(v)) env[k] = ctx.sourceText(["environment", k]) ?? String(v);
      else env[k] = scalar(v);
    }
  }
  if (Object.keys(env).length) spec.env = env;

  const secrets: Record<string, unknown> = {};
  const envFiles = (Array.isArray(svc.env_file) ? svc.env_file : svc.env_file === undefined ? [] : [svc.env_file]) as Array<string | { path: string }>;
  envFiles.forEach((f, i) => {
    const path = typeof f === "string" ? f : f.path;
    if (i === 0) secrets.envFile = fromService(path);
    else ctx.note(["env_file", i], `not carried: devup reads one env file per service; merge ${path} into ${JSON.stringify(envFiles[0])}`);
  });

  // configs, secrets and single-file bind mounts → files mounted one by one at their targets
  const mounts = serviceMounts(svc, ctx, fromRoot);
  if (Object.keys(mounts.configFiles).length) spec.config = { files: mounts.configFiles };
  if (Object.keys(mounts.secretFiles).length) secrets.files = mounts.secretFiles;
  if (Object.keys(secrets).length) spec.secrets = secrets;
  if (mounts.volumes.length) spec.volumes = mounts.volumes;

  // deploy.replicas / resources
  const deploy = (svc.deploy ?? {}) as { replicas?: number; resources?: { limits?: Record<string, unknown>; reservations?: Record<string, unknown> }; [k: string]: unknown };
  if (typeof deploy.replicas === "number") spec.replicas = deploy.replicas;
  for (const key of Object.keys(deploy)) if (key !== "replicas" && key !== "resources") ctx.note(["deploy", key], `not carried: deploy.${key} has no devup equivalent`);
  if (deploy.resources?.reservations?.devices !== undefined) ctx.note(["deploy", "resources", "reservations", "devices"], "not carried: device reservations (GPUs); the kind cluster has no GPUs to give");
  if (svc.gpus !== undefined) ctx.note(["gpus"], "not carried: GPUs; the kind cluster has no GPUs to give");
  const resources: Record<string, Record<string, string>> = {};
  const amounts = (src: Record<string, unknown> | undefined, into: string) => {
    if (!src) return;
    const r: Record<string, string> = {};
    const cpu = src.cpus === undefined ? undefined : composeCpus(src.cpus as string);
    const memory = src.memory === undefined ? undefined : composeMemory(src.memory as string);
    if (cpu) r.cpu = cpu;
    if (memory) r.memory = memory;
    if (Object.keys(r).length) resources[into] = { ...resources[into], ...r };
  };
  amounts(deploy.resources?.limits, "limits");
  amounts(deploy.resources?.reservations, "requests");
  amounts({ cpus: svc.cpus, memory: svc.mem_limit }, "limits");
  amounts({ memory: svc.mem_reservation }, "requests");
  if (Object.keys(resources).length) spec.resources = resources;

  const health = healthcheck(svc, ctx);
  if (health) spec.health = health;

  // depends_on
  const dependsOn: string[] = [];
  for (const [dep, cond] of Object.entries(toDict("depends_on", svc.depends_on) as Record<string, { condition?: string; required?: boolean } | null>)) {
    dependsOn.push(dep);
    if (cond?.condition === "service_completed_successfully") ctx.note(["depends_on", dep], `carried as "ready": devup waits for ${dep} to be ready, not for it to finish`);
    if (cond?.required === false) ctx.note(["depends_on", dep, "required"], `carried as required: devup waits for ${dep} (required: false has no devup equivalent)`);
  }
  if (dependsOn.length) spec.dependsOn = dependsOn.map((d) => ctx.names.get(d) ?? d);

  // labels → annotations (label values in Kubernetes are too restricted for compose's)
  const labels = keyValues(svc.labels as Record<string, unknown> | string[] | undefined);
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) {
    if (/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(k)) annotations[k] = v;
    else ctx.note(["labels", k], `not carried: ${JSON.stringify(k)} is not a valid Kubernetes annotation key`);
  }
  if (Object.keys(annotations).length) spec.annotations = annotations;
  return { spec, extraFiles };
}

function argv(value: string | string[], key: "command" | "entrypoint", ctx: ServiceContext): string[] {
  const { argv: words, shell } = commandToArgv(value);
  if (shell) ctx.note([key], `run through sh -c: ${JSON.stringify(value)} uses shell syntax, which has no argv form (the image's entrypoint still runs first only for command)`);
  return words;
}

/** A YAML scalar as the string compose would pass on (the schema rules out maps and lists here). */
function scalar(v: unknown): string {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v);
}

function keyValues(value: Record<string, unknown> | string[] | undefined): Record<string, string> {
  if (!value) return {};
  if (Array.isArray(value)) {
    return Object.fromEntries(value.map((e) => (e.includes("=") ? [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)] : [e, ""])));
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === null || v === undefined ? "" : scalar(v)]));
}

function healthcheck(svc: ComposeService, ctx: ServiceContext): Record<string, unknown> | undefined {
  const hc = svc.healthcheck as { test?: string | string[]; interval?: string; timeout?: string; retries?: number; start_period?: string; disable?: boolean } | undefined;
  if (!hc || hc.disable || hc.test === undefined) return undefined;
  const command = healthTestToCommand(hc.test);
  if (!command) return undefined;
  const health: Record<string, unknown> = { command };
  const seconds = (v: string | undefined, key: string) => {
    if (v === undefined) return undefined;
    const s = composeDurationSeconds(v);
    if (s === undefined) ctx.note(["healthcheck", key], `not carried: ${JSON.stringify(v)} is not a duration devup understands`);
    return s;
  };
  const period = seconds(hc.interval, "interval");
  const timeout = seconds(hc.timeout, "timeout");
  const grace = seconds(hc.start_period, "start_period");
  if (period !== undefined) health.period = period;
  if (timeout !== undefined) health.timeout = timeout;
  if (hc.retries !== undefined) health.failureThreshold = Math.max(1, hc.retries);
  if (grace !== undefined) health.startupGrace = grace;
  if ((hc as Record<string, unknown>).start_interval !== undefined) ctx.note(["healthcheck", "start_interval"], "not needed: devup checks every second while the container starts");
  return health;
}
