/**
 * Validation: parse the spec's YAML files, check them against the schema and against each other,
 * apply the chosen environment. Returns every problem at once; reads files only through ProjectFs.
 */
import { posix } from "node:path";
import { sortDiagnostics, type Diagnostic, type ValidationResult } from "./diagnostics.ts";
import { memoryFs, type ProjectFs } from "./fs.ts";
import { friendlyErrors, issuesToDiagnostics } from "./issues.ts";
import type { ResolvedCluster, ResolvedProject, ResolvedService } from "./model.ts";
import { diagnosticAt, type Origin } from "./origin.ts";
import { checkNamespaces } from "./k8s-checks.ts";
import { checkProject } from "./project-checks.ts";
import { confinePath } from "./confine.ts";
import { resolveService, type EnvLayer, type ServiceEntry } from "./resolve-service.ts";
import { DevFile, Name, ServiceFile } from "./schema.ts";
import { parseYaml, type ParsedFile, type SourceFile } from "./source.ts";
import { didYouMean, quoteList } from "./suggest.ts";

export interface ProjectSources {
  /** Absolute path of the project root. */
  root: string;
  devFile: SourceFile;
  serviceFiles: SourceFile[];
  /** What reading found wrong (a service file that leads out of the project): reported with the rest. */
  problems?: Diagnostic[] | undefined;
}

export interface ValidateOptions {
  /** Environment to resolve. Default: "local". */
  environment?: string | undefined;
}

export const DEFAULT_ENVIRONMENT = "local";
const DEFAULT_CLUSTER_NAME = "devup";

export function validateProject(sources: ProjectSources, fs: ProjectFs, options: ValidateOptions = {}): ValidationResult<ResolvedProject> {
  const diags: Diagnostic[] = [];
  const done = (value: ResolvedProject | undefined): ValidationResult<ResolvedProject> => {
    const sorted = sortDiagnostics(diags);
    const errors = sorted.filter((d) => d.severity === "error");
    return { value: errors.length === 0 ? value : undefined, errors, warnings: sorted.filter((d) => d.severity === "warning") };
  };

  diags.push(...(sources.problems ?? []));
  const devYaml = parseYaml(sources.devFile);
  diags.push(...devYaml.errors);
  const devParsed = devYaml.parsed;
  const devOrigin: Origin | undefined = devParsed && { parsed: devParsed, docPath: [], displayPath: [] };
  let dev: DevFile | undefined;
  if (devParsed && devOrigin) {
    const result = DevFile.safeParse(devParsed.value, { error: friendlyErrors });
    if (result.success) {
      dev = result.data;
      const services = confinePath(fs, ".", dev.servicesDir, "servicesDir");
      if (!services.ok) diags.push(diagnosticAt(devOrigin, ["servicesDir"], services.message));
    } else diags.push(...issuesToDiagnostics(result.error.issues, devOrigin, devParsed.value, DevFile));
  }

  // Services whose file has errors: reported there, and not reported again as missing by every
  // reference to them (dependsOn, environment overlays).
  const broken = new Set<string>();
  const entries = [...serviceFileEntries(sources.serviceFiles, diags, broken), ...(dev && devParsed ? inlineEntries(dev, devParsed, diags) : [])];
  const byName = new Map<string, ServiceEntry>();
  for (const e of entries) {
    const first = byName.get(e.name);
    if (first) {
      const where = first.origin.parsed.file.path === e.origin.parsed.file.path ? "above" : `in ${first.origin.parsed.file.path}`;
      diags.push(diagnosticAt(e.origin, e.origin.docPath.length ? [] : ["name"], `duplicate service name ${JSON.stringify(e.name)}: it is also defined ${where}; rename one of them`));
    } else byName.set(e.name, e);
  }
  if (!dev || !devOrigin) return done(undefined);

  const environment = options.environment ?? DEFAULT_ENVIRONMENT;
  const environments = [...new Set([DEFAULT_ENVIRONMENT, ...Object.keys(dev.environments)])].sort();
  if (!environments.includes(environment)) {
    const guess = didYouMean(environment, environments);
    diags.push(
      diagnosticAt(devOrigin, ["environments"], `environment ${JSON.stringify(environment)} is not defined${guess ? `; did you mean ${JSON.stringify(guess)}?` : ""} (defined: ${quoteList(environments)})`),
    );
    return done(undefined);
  }
  for (const [envName, overlay] of Object.entries(dev.environments)) {
    for (const svc of Object.keys(overlay.services)) {
      if (byName.has(svc) || broken.has(svc)) continue;
      const guess = didYouMean(svc, byName.keys());
      diags.push(diagnosticAt(devOrigin, ["environments", envName, "services", svc], `no service is named ${JSON.stringify(svc)}${guess ? `; did you mean ${JSON.stringify(guess)}?` : ""}`, { key: true }));
    }
  }

  checkNamespaces(dev.name, dev.environments, (path, message) => diags.push(diagnosticAt(devOrigin, path, message, { key: true })));

  const overlay = dev.environments[environment];
  const services: ResolvedService[] = [];
  for (const entry of [...byName.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const own = overlay?.services[entry.name];
    const env: EnvLayer[] = [];
    if (dev.defaults.env) env.push({ values: dev.defaults.env, origin: devOrigin, path: ["defaults", "env"] });
    env.push({ values: entry.fields.env, origin: entry.origin, path: ["env"] });
    if (overlay?.env) env.push({ values: overlay.env, origin: devOrigin, path: ["environments", environment, "env"] });
    if (own?.env) env.push({ values: own.env, origin: devOrigin, path: ["environments", environment, "services", entry.name, "env"] });
    services.push(
      resolveService(entry, { env, replicas: own?.replicas, resources: own?.resources ?? entry.fields.resources ?? dev.defaults.resources }, fs, diags),
    );
  }
  checkProject(services, byName, diags, broken);

  const clusterSettings = { ...dev.cluster, ...overlay?.cluster };
  const cluster: ResolvedCluster = {
    provider: clusterSettings.provider ?? "kind",
    name: clusterSettings.name ?? DEFAULT_CLUSTER_NAME,
    context: clusterSettings.context,
    allowedContexts: clusterSettings.allowedContexts ?? [],
    nodeImage: clusterSettings.nodeImage,
    controlPlanes: clusterSettings.controlPlanes ?? 1,
    workers: clusterSettings.workers ?? 0,
    registry: clusterSettings.registry,
    ingress: { ...dev.cluster.ingress, ...overlay?.cluster?.ingress },
  };
  if (cluster.provider === "kind") {
    // kind maps 127.0.0.1:<httpPort> to the ingress controller: a forward there could not listen.
    for (const s of services) {
      s.ports.forEach((p, i) => {
        if (p.forward !== cluster.ingress.httpPort) return;
        diags.push(diagnosticAt(byName.get(s.name)!.origin, ["ports", i, "forward"], `local port ${p.forward} is where the ingress answers (cluster.ingress.httpPort); pick another forward port or move httpPort`));
      });
    }
  }
  // canary: the weights are Traefik's (IngressRoute, TraefikService); another ingress class would never see them.
  for (const s of services) {
    if (s.rollout.strategy === "canary" && cluster.ingress.className !== "traefik") {
      diags.push(diagnosticAt(byName.get(s.name)!.origin, ["rollout", "strategy"], `canary splits the traffic with Traefik's weighted services, and the routes use ingress class ${JSON.stringify(cluster.ingress.className)}: set cluster.ingress.className: traefik, or use strategy: blueGreen`));
    }
  }
  if (cluster.provider === "context" && !cluster.context) {
    diags.push(diagnosticAt(devOrigin, overlay?.cluster ? ["environments", environment, "cluster"] : ["cluster"], "provider: context needs context: the name of a kubeconfig context"));
  }
  return done({
    name: dev.name,
    root: sources.root,
    environment,
    environments,
    namespace: overlay?.namespace ?? (environment === DEFAULT_ENVIRONMENT ? dev.name : `${dev.name}-${environment}`),
    cluster,
    services,
  });
}

function serviceFileEntries(files: readonly SourceFile[], diags: Diagnostic[], broken: Set<string>): ServiceEntry[] {
  const entries: ServiceEntry[] = [];
  for (const file of files) {
    const { parsed, errors } = parseYaml(file);
    diags.push(...errors);
    const dir = posix.dirname(file.path);
    if (!parsed) {
      broken.add(posix.basename(dir));
      continue;
    }
    const raw = parsed.value as { name?: unknown } | null;
    const name = raw && typeof raw === "object" && typeof raw.name === "string" ? raw.name : posix.basename(dir);
    const origin: Origin = { parsed, docPath: [], displayPath: ["services", name] };
    const result = ServiceFile.safeParse(parsed.value, { error: friendlyErrors });
    if (!result.success) {
      diags.push(...issuesToDiagnostics(result.error.issues, origin, parsed.value, ServiceFile));
      broken.add(name);
      continue;
    }
    if (!result.data.name && !Name.safeParse(name).success) {
      diags.push(diagnosticAt(origin, [], `the folder name ${JSON.stringify(name)} is not a valid service name: add name: with a lowercase DNS label (a-z, 0-9, "-")`));
      continue;
    }
    entries.push({ name, fields: result.data, origin, dir });
  }
  return entries;
}

function inlineEntries(dev: DevFile, parsed: ParsedFile, diags: Diagnostic[]): ServiceEntry[] {
  const entries: ServiceEntry[] = [];
  for (const [name, fields] of Object.entries(dev.services)) {
    const origin: Origin = { parsed, docPath: ["services", name], displayPath: ["services", name] };
    if (!Name.safeParse(name).success) {
      diags.push(diagnosticAt({ ...origin, docPath: [], displayPath: [] }, ["services", name], `service name ${JSON.stringify(name)} must be a lowercase DNS label: a-z, 0-9 and "-", starting with a letter`, { key: true }));
      continue;
    }
    entries.push({ name, fields, origin, dir: "." });
  }
  // Project-level manifests (shared infrastructure): each a service of that name made only of its objects.
  for (const [name, manifests] of Object.entries(dev.manifests)) {
    const origin: Origin = { parsed, docPath: ["manifests", name], displayPath: ["manifests", name] };
    if (!Name.safeParse(name).success) {
      diags.push(diagnosticAt({ ...origin, docPath: [], displayPath: [] }, ["manifests", name], `manifests name ${JSON.stringify(name)} must be a lowercase DNS label: a-z, 0-9 and "-", starting with a letter`, { key: true }));
      continue;
    }
    entries.push({ name, fields: { ...ServiceFile.parse({}), manifests }, origin, dir: ".", manifestsPath: [] });
  }
  return entries;
}

/**
 * Validates a project given as file contents keyed by path (dev.yaml at the root, every
 * `service.yaml` a service): for tests, and for checking generated specs before they are written.
 */
export function validateFiles(files: Record<string, string>, options: ValidateOptions = {}): ValidationResult<ResolvedProject> {
  const sources: ProjectSources = {
    root: "/p",
    devFile: { path: "dev.yaml", text: files["dev.yaml"] ?? "" },
    serviceFiles: Object.keys(files)
      .filter((f) => f === "service.yaml" || f.endsWith("/service.yaml"))
      .sort()
      .map((path) => ({ path, text: files[path]! })),
  };
  return validateProject(sources, memoryFs(files), options);
}
