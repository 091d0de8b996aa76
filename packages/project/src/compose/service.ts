/** One compose service → one devup service spec (a plain object, written as service.yaml). */
import { posix } from "node:path";
import type { PathSegment } from "../diagnostics.ts";
import { commandToArgv, composeCpus, composeDurationSeconds, composeMemory, healthTestToCommand, parsePortString } from "./values.ts";

export type ComposeService = Record<string, unknown>;

export interface TopLevel {
  configs: Record<string, { file?: string } | undefined>;
  secrets: Record<string, { file?: string } | undefined>;
}

export interface ServiceContext {
  composeName: string;
  /** The service's folder, relative to the project root. */
  dir: string;
  /** The compose file's folder, relative to the project root. */
  composeDir: string;
  /** Compose service name → devup service name. */
  names: ReadonlyMap<string, string>;
  top: TopLevel;
  note: (path: PathSegment[], message: string) => void;
}

const NOT_CARRIED: Record<string, string> = {
  volumes: "not carried: Kubernetes has no bind mounts from your laptop; use sync rules for source code, or a PersistentVolumeClaim for data",
  networks: "not carried: every service reaches every other by its name in the namespace",
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
  "depends_on", "healthcheck", "deploy", "configs", "secrets", "labels", "mem_limit", "cpus", "mem_reservation",
]);

export function convertService(svc: ComposeService, ctx: ServiceContext): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  /** A path in the compose folder → relative to the service's folder. */
  const fromService = (p: string) => posix.relative(ctx.dir, posix.normalize(posix.join(ctx.composeDir, p))) || ".";

  for (const key of Object.keys(svc)) {
    if (CARRIED.has(key) || key.startsWith("x-")) continue;
    ctx.note([key], NOT_CARRIED[key] ?? `not carried: devup has no equivalent of compose's ${JSON.stringify(key)}`);
  }

  // build / image
  const build = svc.build as string | { context?: string; dockerfile?: string; args?: Record<string, unknown> | string[]; target?: string } | undefined;
  if (build !== undefined) {
    const b = typeof build === "string" ? { context: build } : build;
    const out: Record<string, unknown> = { context: fromService(b.context ?? ".") };
    if (b.dockerfile) out.dockerfile = b.dockerfile;
    const args = keyValues(b.args);
    if (Object.keys(args).length) out.args = args;
    if (b.target) out.target = b.target;
    spec.build = out;
    if (svc.image) ctx.note(["image"], `not used: devup tags built images by their content (compose named it ${JSON.stringify(svc.image)})`);
  } else if (typeof svc.image === "string") {
    spec.image = svc.image;
  }
  if (svc.entrypoint !== undefined) spec.command = commandToArgv(svc.entrypoint as string | string[]);
  if (svc.command !== undefined) spec.args = commandToArgv(svc.command as string | string[]);
  if (typeof svc.working_dir === "string") spec.workingDir = svc.working_dir;

  spec.ports = ports(svc, ctx);
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
      else env[k] = scalar(v);
    }
  }
  for (const [k, v] of Object.entries(env)) if (v.includes("${")) ctx.note(["environment", k], `carried as written: ${k} uses variable interpolation, which devup does not expand`);
  if (Object.keys(env).length) spec.env = env;

  const secrets: Record<string, unknown> = {};
  const envFiles = (Array.isArray(svc.env_file) ? svc.env_file : svc.env_file === undefined ? [] : [svc.env_file]) as Array<string | { path: string }>;
  envFiles.forEach((f, i) => {
    const path = typeof f === "string" ? f : f.path;
    if (i === 0) secrets.envFile = fromService(path);
    else ctx.note(["env_file", i], `not carried: devup reads one env file per service; merge ${path} into ${envFiles[0] as string}`);
  });

  // configs → config.files, secrets → secrets.files
  const configFiles = mounts(svc.configs, ctx.top.configs, "configs", ctx, fromService);
  if (Object.keys(configFiles.files).length) spec.config = { files: configFiles.files, ...(configFiles.dir ? { mountPath: configFiles.dir } : {}) };
  const secretFiles = mounts(svc.secrets, ctx.top.secrets, "secrets", ctx, fromService);
  if (Object.keys(secretFiles.files).length) {
    secrets.files = secretFiles.files;
    if (secretFiles.dir && secretFiles.dir !== "/run/secrets") secrets.mountPath = secretFiles.dir;
  }
  if (Object.keys(secrets).length) spec.secrets = secrets;

  // deploy.replicas / resources
  const deploy = (svc.deploy ?? {}) as { replicas?: number; resources?: { limits?: Record<string, unknown>; reservations?: Record<string, unknown> }; [k: string]: unknown };
  if (typeof deploy.replicas === "number") spec.replicas = deploy.replicas;
  for (const key of Object.keys(deploy)) if (key !== "replicas" && key !== "resources") ctx.note(["deploy", key], `not carried: deploy.${key} has no devup equivalent`);
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
  const deps = svc.depends_on;
  const dependsOn: string[] = [];
  if (Array.isArray(deps)) dependsOn.push(...(deps as string[]));
  else if (deps && typeof deps === "object") {
    for (const [dep, cond] of Object.entries(deps as Record<string, { condition?: string }>)) {
      dependsOn.push(dep);
      if (cond?.condition === "service_completed_successfully") ctx.note(["depends_on", dep], `carried as "ready": devup waits for ${dep} to be ready, not for it to finish`);
    }
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
  return spec;
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

function ports(svc: ComposeService, ctx: ServiceContext): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const seen = new Set<string>();
  const add = (container: number, published: number | undefined, protocol: "TCP" | "UDP") => {
    const key = `${container}/${protocol}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ port: container, ...(protocol === "UDP" ? { protocol } : {}), ...(published ? { forward: published } : {}) });
  };
  ((svc.ports ?? []) as Array<string | number | { target: number; published?: string | number; protocol?: string }>).forEach((p, i) => {
    if (typeof p === "object") {
      const published = p.published === undefined ? undefined : Number(p.published);
      add(p.target, Number.isInteger(published) ? published : undefined, p.protocol?.toLowerCase() === "udp" ? "UDP" : "TCP");
      return;
    }
    const parsed = parsePortString(p);
    if (!parsed) ctx.note(["ports", i], `not carried: ${JSON.stringify(p)} (port ranges are not supported); list each port`);
    else add(parsed.container, parsed.published, parsed.protocol);
  });
  ((svc.expose ?? []) as Array<string | number>).forEach((p, i) => {
    const parsed = parsePortString(p);
    if (!parsed) ctx.note(["expose", i], `not carried: ${JSON.stringify(p)}; list each port`);
    else add(parsed.container, undefined, parsed.protocol);
  });
  return out;
}

function mounts(
  refs: unknown,
  top: Record<string, { file?: string } | undefined>,
  kind: "configs" | "secrets",
  ctx: ServiceContext,
  fromService: (p: string) => string,
): { files: Record<string, string>; dir: string | undefined } {
  const files: Record<string, string> = {};
  let dir: string | undefined;
  ((refs ?? []) as Array<string | { source: string; target?: string }>).forEach((ref, i) => {
    const source = typeof ref === "string" ? ref : ref.source;
    const def = top[source];
    if (!def?.file) {
      ctx.note([kind, i], `not carried: ${kind} ${JSON.stringify(source)} is not a file (external, environment or inline content)`);
      return;
    }
    const target = typeof ref === "object" && ref.target ? ref.target : kind === "secrets" ? `/run/secrets/${source}` : `/${source}`;
    const targetDir = target.startsWith("/") ? posix.dirname(target) : "/run/secrets";
    if (dir !== undefined && dir !== targetDir) {
      ctx.note([kind, i], `not carried: devup mounts a service's ${kind} in one folder (${dir}), and this one goes to ${targetDir}`);
      return;
    }
    dir = targetDir;
    files[posix.basename(target)] = fromService(def.file);
  });
  return { files, dir };
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
  return health;
}
