/** One service: defaults and the environment overlay applied, references resolved and checked. */
import { posix } from "node:path";
import { parseEnv } from "node:util";
import type { Diagnostic, PathSegment } from "./diagnostics.ts";
import type { ProjectFs, Unreadable } from "./fs.ts";
import { DEFAULT_CANARY_STEPS, type FileContent, type ResolvedEnvValue, type ResolvedHealth, type ResolvedPort, type ResolvedResources, type ResolvedService, type ResolvedSync, type ResolvedVolume } from "./model.ts";
import { diagnosticAt, type Origin } from "./origin.ts";
import type { EnvValue, Resources, ServiceFields } from "./schema.ts";
import { checkServiceObjects } from "./k8s-checks.ts";
import { scalarSource } from "./source.ts";
import { didYouMean } from "./suggest.ts";
import { durationSeconds } from "./duration.ts";
import { confinePath } from "./confine.ts";
import { resolveForwards, resolveManifests } from "./resolve-manifests.ts";
import { resolvePlacement } from "./resolve-placement.ts";

export interface ServiceEntry {
  name: string;
  fields: ServiceFields;
  origin: Origin;
  /** Folder the service's relative paths start from, relative to the project root. */
  dir: string;
  /** Where `manifests:` fields are, relative to the origin (dev.yaml's top-level manifests.<name>: []). Default ["manifests"]. */
  manifestsPath?: PathSegment[] | undefined;
}

export interface EnvLayer {
  values: Record<string, EnvValue>;
  origin: Origin;
  path: PathSegment[];
}

export interface Overlay {
  /** Environment variable layers in precedence order, the service's own env among them. */
  env: EnvLayer[];
  replicas?: number | undefined;
  resources?: Resources | undefined;
}

function isInside(child: string, parent: string): boolean {
  if (parent === ".") return !child.startsWith("../") && child !== "..";
  return child === parent || child.startsWith(`${parent}/`);
}

function quantity(q: string | number | undefined): string | undefined {
  return q === undefined ? undefined : String(q);
}

function resolveResources(r: Resources | undefined): ResolvedResources | undefined {
  if (!r) return undefined;
  const amounts = (a: { cpu?: string | number | undefined; memory?: string | number | undefined } | undefined) =>
    a ? { cpu: quantity(a.cpu), memory: quantity(a.memory) } : undefined;
  return { requests: amounts(r.requests), limits: amounts(r.limits) };
}

export function resolveService(entry: ServiceEntry, overlay: Overlay, fs: ProjectFs, diags: Diagnostic[]): ResolvedService {
  const { fields: f, origin, dir } = entry;
  const error = (path: PathSegment[], message: string, key = false) => diags.push(diagnosticAt(origin, path, message, { key }));
  const warn = (path: PathSegment[], message: string) => diags.push(diagnosticAt(origin, path, message, { severity: "warning" }));
  /** A spec path inside the project (confine.ts), or undefined with the error reported at `path`. */
  const inProject = (path: PathSegment[], from: string, rel: string, what: string): string | undefined => {
    const c = confinePath(fs, from, rel, what);
    if (c.ok) return c.path;
    error(path, c.message);
    return undefined;
  };
  /** A file read that exists but is not text: report it (true), so the caller skips the file. */
  const unreadable = (content: string | Unreadable | undefined, path: PathSegment[], what: string, source: string): content is Unreadable => {
    if (typeof content !== "object") return false;
    error(path, `${what} ${JSON.stringify(source)} ${content.unreadable}`);
    return true;
  };

  // Image source.
  let build: ResolvedService["build"];
  if (f.build && f.image) error(["image"], "give either build or image, not both (image is for a prebuilt image)");
  if (!f.build && !f.image && !f.manifests) error([], "the service has neither build nor image: add build (a Dockerfile to build), image (a prebuilt image) or manifests (your own YAML, kustomize folder or Helm chart)");
  if (f.build?.image !== undefined && !f.manifests) error(["build", "image"], "build.image names the image your own objects refer to: it is for services with manifests: (a generated service's Deployment always runs its build)");
  // Only a service with manifests: needs it; a position costs a parse with positions (source.ts).
  const where = f.manifests
    ? (() => {
        const d = diagnosticAt(origin, entry.manifestsPath ?? ["manifests"], "", { key: true });
        return `${d.file}:${d.line}:${d.column}`;
      })()
    : "";
  const manifests = resolveManifests(entry.name, dir, f, fs, (path, message) => error(path, message), where, entry.manifestsPath);
  if (f.build && !f.image) {
    const context = inProject(["build", "context"], dir, f.build.context, "build context");
    const dockerfile = context === undefined ? undefined : inProject(["build", "dockerfile"], context, f.build.dockerfile, "Dockerfile");
    if (context !== undefined && !fs.exists(context)) error(["build", "context"], `build context ${JSON.stringify(context)} does not exist; point it at the folder with the service's sources`);
    else if (dockerfile !== undefined && fs.readFile(dockerfile) === undefined) error(["build", "dockerfile"], `Dockerfile ${JSON.stringify(dockerfile)} not found; create it or set build.dockerfile`);
    if (context !== undefined && dockerfile !== undefined) build = { context, dockerfile, args: f.build.args, target: f.build.target };
  }

  // Ports: default names, no duplicates.
  const ports: ResolvedPort[] = [];
  f.ports.forEach((p, i) => {
    const name = p.name ?? (i === 0 ? "http" : `port-${p.port}`);
    const sameName = ports.findIndex((q) => q.name === name);
    if (sameName >= 0) error(["ports", i, "name"], `port name ${JSON.stringify(name)} is also used by ports[${sameName}]; give each port its own name`);
    const samePort = ports.findIndex((q) => q.port === p.port && q.protocol === p.protocol);
    if (samePort >= 0) error(["ports", i, "port"], `container port ${p.port} is also declared by ports[${samePort}]`);
    ports.push({ name, port: p.port, protocol: p.protocol, forward: p.forward });
  });
  const portRef = (ref: string | number | undefined, path: PathSegment[], what: string): ResolvedPort | undefined => {
    if (ports.length === 0) {
      error(path.length ? path : [], `${what} needs a port, but the service declares no ports; add one under ports`);
      return undefined;
    }
    if (ref === undefined) return ports[0];
    const found = ports.find((p) => (typeof ref === "number" ? p.port === ref : p.name === ref));
    if (!found) {
      const names = ports.map((p) => p.name);
      const guess = typeof ref === "string" ? didYouMean(ref, names) : undefined;
      error(path, `${what} uses port ${JSON.stringify(ref)}, which the service does not declare${guess ? `; did you mean ${JSON.stringify(guess)}?` : `; declared ports: ${names.join(", ")}`}`);
    }
    return found;
  };

  // Config.
  let config: ResolvedService["config"];
  if (f.config) {
    const files: Record<string, FileContent> = {};
    for (const [name, rel] of Object.entries(f.config.files)) {
      const source = inProject(["config", "files", name], dir, rel, "config file");
      if (source === undefined) continue;
      const content = fs.readFile(source);
      if (unreadable(content, ["config", "files", name], "config file", source)) continue;
      if (content === undefined) error(["config", "files", name], `config file ${JSON.stringify(source)} not found`);
      else files[name] = { source, content };
    }
    config = { values: f.config.values, files, mountPath: f.config.mountPath ?? `/etc/${entry.name}` };
  }

  // Secrets.
  let secrets: ResolvedService["secrets"];
  if (f.secrets) {
    const s = f.secrets;
    let values: Record<string, string> = {};
    let source: string | undefined;
    let fromExample = false;
    let envFile: string | undefined;
    if (s.envFile) {
      const envPath = inProject(["secrets", "envFile"], dir, s.envFile, "secret file");
      envFile = envPath;
      let text = envPath === undefined ? undefined : fs.readFile(envPath);
      source = envPath;
      if (envPath !== undefined && unreadable(text, ["secrets", "envFile"], "secret file", envPath)) text = "";
      const examplePath = text === undefined && s.example ? inProject(["secrets", "example"], dir, s.example, "secret example file") : undefined;
      if (envPath !== undefined && text === undefined && examplePath !== undefined) {
        text = fs.readFile(examplePath);
        if (unreadable(text, ["secrets", "example"], "example file", examplePath)) text = undefined;
        if (text !== undefined) {
          fromExample = true;
          source = examplePath;
          warn(["secrets", "envFile"], `secret file ${JSON.stringify(envPath)} is missing; using the example ${JSON.stringify(examplePath)}. Copy it to ${posix.basename(envPath)} and put the real values there`);
        }
      }
      if (envPath === undefined) {
        // Reported above: the path leaves the project.
      } else if (typeof text !== "string") {
        error(["secrets", "envFile"], `secret file ${JSON.stringify(envPath)} not found; create it (KEY=value lines) and keep it out of git`);
      } else {
        values = parseEnv(text) as Record<string, string>;
        // Lines Node's parser would drop in silence (their values would be missing in the pod). Only
        // line numbers are said: such a line may hold a secret.
        const bad = malformedEnvLines(text);
        if (bad.length) {
          error(["secrets", "envFile"], `${source ?? envPath}: line${bad.length === 1 ? "" : "s"} ${bad.join(", ")} ${bad.length === 1 ? "is" : "are"} not KEY=value (a key, "=", the value; # starts a comment); fix ${bad.length === 1 ? "it" : "them"} so no secret goes missing`);
        }
        if (!fromExample && fs.isTracked(envPath)) {
          warn(["secrets", "envFile"], `secret file ${JSON.stringify(envPath)} is tracked by git; add it to .gitignore and run: git rm --cached ${envPath}`);
        }
      }
    }
    const files: Record<string, FileContent> = {};
    for (const [name, rel] of Object.entries(s.files)) {
      const fileSource = inProject(["secrets", "files", name], dir, rel, "secret file");
      if (fileSource === undefined) continue;
      const content = fs.readFile(fileSource);
      if (unreadable(content, ["secrets", "files", name], "secret file", fileSource)) continue;
      if (content === undefined) error(["secrets", "files", name], `secret file ${JSON.stringify(fileSource)} not found`);
      else {
        files[name] = { source: fileSource, content };
        if (fs.isTracked(fileSource)) warn(["secrets", "files", name], `secret file ${JSON.stringify(fileSource)} is tracked by git; add it to .gitignore and run: git rm --cached ${fileSource}`);
      }
    }
    secrets = { values, files, mountPath: s.mountPath, asEnv: s.asEnv, source, fromExample, envFile };
  }

  // Environment: layers in precedence order (defaults, the service's own, the environment's), later wins.
  const env = new Map<string, ResolvedEnvValue>();
  for (const layer of overlay.env) {
    for (const [name, v] of Object.entries(layer.values)) {
      const at = (message: string) => diags.push(diagnosticAt(layer.origin, [...layer.path, name], message));
      if (typeof v !== "object") {
        // A number or boolean keeps the text the user wrote: `VERSION: 1.10` is "1.10", not "1.1".
        env.set(name, { value: typeof v === "string" ? v : (scalarSource(layer.origin.parsed, [...layer.origin.docPath, ...layer.path, name]) ?? String(v)) });
        continue;
      }
      if ("config" in v && !(config && v.config in config.values)) {
        const guess = config ? didYouMean(v.config, Object.keys(config.values)) : undefined;
        at(`refers to config value ${JSON.stringify(v.config)}, which config.values does not define${guess ? `; did you mean ${JSON.stringify(guess)}?` : ""}`);
      } else if ("secret" in v && !(secrets && v.secret in secrets.values)) {
        at(secrets?.source ? `refers to secret ${JSON.stringify(v.secret)}, which ${secrets.source} does not define` : `refers to secret ${JSON.stringify(v.secret)}, but the service has no secrets.envFile`);
      }
      env.set(name, v);
    }
  }

  // Health.
  let health: ResolvedHealth | undefined;
  if (f.health) {
    const h = f.health;
    const kinds = (["http", "tcp", "command"] as const).filter((k) => h[k] !== undefined);
    if (kinds.length !== 1) {
      error(["health"], kinds.length === 0 ? "give one of http, tcp or command" : `give only one of http, tcp or command (found ${kinds.join(" and ")})`);
    } else {
      let check: ResolvedHealth["check"] | undefined;
      if (h.http) {
        const p = portRef(h.http.port, ["health", "http", "port"], "health.http");
        if (p) check = { kind: "http", path: h.http.path, port: p.name };
      } else if (h.tcp) {
        const p = portRef(h.tcp.port, ["health", "tcp", "port"], "health.tcp");
        if (p) check = { kind: "tcp", port: p.name };
      } else if (h.command) {
        check = { kind: "command", command: h.command };
      }
      if (check) {
        health = {
          check,
          startupGraceSeconds: durationSeconds(h.startupGrace),
          periodSeconds: Math.max(1, durationSeconds(h.period)),
          timeoutSeconds: Math.max(1, durationSeconds(h.timeout)),
          failureThreshold: h.failureThreshold,
          liveness: h.liveness,
        };
      }
    }
  }

  // Update strategy: Kubernetes refuses a rollout that could neither add nor remove a pod.
  const amount = (v: number | string) => (typeof v === "number" ? v : Number(v.slice(0, -1)));
  const unavailable = f.rollout.maxUnavailable;
  if (typeof unavailable === "string" && amount(unavailable) > 100) {
    error(["rollout", "maxUnavailable"], `maxUnavailable ${JSON.stringify(unavailable)} is more than 100%; give a percentage from 0% to 100% or a number of pods`);
  }
  if (amount(f.rollout.maxSurge) === 0 && amount(f.rollout.maxUnavailable) === 0) {
    error(["rollout", "maxSurge"], "maxSurge and maxUnavailable cannot both be 0: no pod could be replaced; set maxSurge: 1 (start the new pod beside the old one)");
  }

  // blue/green and canary: a Service to switch, and two Deployments that cannot share a ReadWriteOnce volume.
  const strategy = f.rollout.strategy;
  if (strategy === "blueGreen" || strategy === "canary") {
    if (f.ports.length === 0) error(["rollout", "strategy"], `${strategy} switches the service's Service from one version to the other: give the service a port (ports:), or use strategy: rolling`);
    if (f.volumes.length > 0) error(["rollout", "strategy"], `${strategy} runs two versions at once, and a volume (ReadWriteOnce) is mounted by one pod at a time: use strategy: rolling for a service with volumes`);
  } else {
    if (f.rollout.verify) error(["rollout", "verify"], "verify: checks the new version of a blueGreen or canary release: set strategy: blueGreen (or canary), or remove verify:");
    if (f.rollout.promote === "manual") error(["rollout", "promote"], "promote: manual gates a blueGreen or canary release: set strategy: blueGreen (or canary), or remove promote:");
  }
  const steps = strategy === "canary" ? canarySteps(f.rollout.steps, error) : undefined;
  if (strategy === "canary" && f.ports.length > 0 && f.ingress.length === 0) {
    error(["rollout", "strategy"], "canary splits the ingress traffic between the two versions, and this service has no ingress: routes; add a route (ingress: [{ host: ..., port: ... }]), or use strategy: blueGreen");
  }
  if (strategy !== "canary" && f.rollout.steps) error(["rollout", "steps"], "steps: are the traffic shares of a canary release: set strategy: canary, or remove steps:");
  if (f.rollout.verify?.http.port !== undefined && !ports.some((p) => p.name === f.rollout.verify?.http.port)) {
    error(["rollout", "verify", "http", "port"], `no port is named ${JSON.stringify(f.rollout.verify.http.port)}; the ports are ${ports.map((p) => p.name).join(", ") || "none"}`);
  }

  // Ingress routes and metrics point at declared ports.
  const ingress: ResolvedService["ingress"] = [];
  f.ingress.forEach((r, i) => {
    const p = portRef(r.port, ["ingress", i, "port"], `ingress[${i}]`);
    if (p) ingress.push({ host: r.host, path: r.path, port: p.name });
  });
  let metrics: ResolvedService["metrics"];
  if (f.metrics) {
    const p = portRef(f.metrics.port, ["metrics", "port"], "metrics");
    if (p) metrics = { port: p.name, portNumber: p.port, path: f.metrics.path };
  }

  // Sync rules copy from inside the build context.
  const sync: ResolvedSync[] = [];
  f.sync.forEach((rule, i) => {
    const from = inProject(["sync", i, "from"], dir, rule.from, "sync path");
    if (from === undefined) return;
    if (!build) {
      // A build whose paths were refused is reported there already.
      if (!f.build) error(["sync", i, "from"], "sync needs a build: files are synced from the build context, and this service uses a prebuilt image");
    } else if (!isInside(from, build.context)) {
      error(["sync", i, "from"], `sync path ${JSON.stringify(from)} is outside the build context ${JSON.stringify(build.context)}; only files in the image's build context can be synced`);
    } else {
      sync.push({ from, fromInContext: posix.relative(build.context, from) || ".", to: rule.to, then: rule.then });
    }
  });

  // Persistent volumes: one claim each, at distinct paths.
  const volumes: ResolvedVolume[] = [];
  f.volumes.forEach((v, i) => {
    const sameName = volumes.findIndex((w) => w.name === v.name);
    const mountPath = posix.normalize(v.mountPath).replace(/(.)\/$/, "$1");
    const samePath = volumes.findIndex((w) => w.mountPath === mountPath);
    if (sameName >= 0) error(["volumes", i, "name"], `volume name ${JSON.stringify(v.name)} is also used by volumes[${sameName}]; give each volume its own name`);
    else if (samePath >= 0) error(["volumes", i, "mountPath"], `${mountPath} is also the mountPath of volumes[${samePath}] (${volumes[samePath]!.name}); mount each volume at its own path`);
    else volumes.push({ name: v.name, mountPath, size: v.size, storageClass: v.storageClass });
  });
  if (volumes.length && (overlay.replicas ?? f.replicas) > 1) {
    warn(["volumes"], `${overlay.replicas ?? f.replicas} replicas share each volume: a ReadWriteOnce volume keeps them all on one node, and most databases refuse a data folder another process uses; use replicas: 1`);
  }

  const service: ResolvedService = {
    name: entry.name,
    dir,
    specFile: origin.parsed.file.path,
    description: f.description,
    build,
    image: f.image,
    command: f.command,
    args: f.args,
    workingDir: f.workingDir,
    ports,
    env: [...env],
    config,
    secrets,
    replicas: overlay.replicas ?? f.replicas,
    rollout: {
      maxSurge: f.rollout.maxSurge,
      maxUnavailable: f.rollout.maxUnavailable,
      strategy: f.rollout.strategy,
      ...(f.rollout.verify ? { verify: { path: f.rollout.verify.http.path, port: f.rollout.verify.http.port ?? ports[0]?.name ?? "" } } : {}),
      promote: f.rollout.promote,
      ...(steps ? { steps } : {}),
    },
    ...resolvePlacement(f, overlay.replicas ?? f.replicas, error, warn),
    resources: resolveResources(overlay.resources ?? f.resources),
    health,
    dependsOn: f.dependsOn,
    ingress,
    labels: f.labels,
    annotations: f.annotations,
    metrics,
    sync,
    volumes,
    test: f.test,
    manifests,
    forward: resolveForwards(f, entry.name),
  };
  checkServiceObjects(service, (path, message, severity) => diags.push(diagnosticAt(origin, path, message, { severity: severity ?? "error" })));
  return service;
}

/** 1-based numbers of the lines of an env file that are neither blank, a comment, nor KEY=value (quoted values may span lines). */
export function malformedEnvLines(text: string): number[] {
  const bad: number[] = [];
  let open: string | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    if (open) {
      if (raw.includes(open)) open = undefined;
      return;
    }
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const m = /^(?:export\s+)?[\w.-]+\s*=\s*(.*)$/.exec(line);
    if (!m) {
      bad.push(i + 1);
      return;
    }
    const value = m[1] ?? "";
    const quote = value[0];
    if ((quote === '"' || quote === "'" || quote === "`") && !value.slice(1).includes(quote)) open = quote;
  });
  return bad;
}

/** canary: the traffic steps, strictly increasing and ending at 100 (default [10, 50, 100]); each problem said at its step. */
function canarySteps(steps: readonly number[] | undefined, error: (path: PathSegment[], message: string) => void): number[] {
  if (!steps) return [...DEFAULT_CANARY_STEPS];
  steps.forEach((step, i) => {
    const before = steps[i - 1];
    if (before !== undefined && step <= before) error(["rollout", "steps", i], `step ${step} after ${before}: the steps give a growing share of the traffic, so each one is more than the one before`);
  });
  const last = steps.at(-1);
  if (last !== undefined && last !== 100) error(["rollout", "steps", steps.length - 1], `the last step is ${last}: a canary ends with all traffic on the new version; end the steps with 100`);
  return [...steps];
}
