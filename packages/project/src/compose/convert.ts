/**
 * docker-compose.yml → dev.yaml + services/<name>/service.yaml. Loads the compose files as compose
 * does (files.ts), validates them against the compose-spec schema, carries what has a devup
 * equivalent and reports, with its line, what does not.
 */
import { Document } from "../yaml.ts";
import { sortDiagnostics, type Diagnostic, type PathSegment } from "../diagnostics.ts";
import { diagnosticAt } from "../origin.ts";
import { loadCompose, type ComposeSources } from "./files.ts";
import { reachedServices } from "./reach.ts";
import { convertService, type ServiceContext } from "./service.ts";
import { toDnsLabel } from "./values.ts";

export type { ComposeSources } from "./files.ts";

export interface GeneratedFile {
  /** Path relative to the project root. */
  path: string;
  content: string;
}

export interface ComposeImport {
  projectName: string;
  files: GeneratedFile[];
  /** Services by their devup name, in compose order. */
  services: string[];
  /** What was not carried over (warnings, each with the compose file's line). */
  notes: Diagnostic[];
  /**
   * Images of services others reach whose ports nothing told: their EXPOSE lines would (a caller with
   * a Docker engine inspects them and imports again with `imagePorts`).
   */
  imagesToInspect: string[];
}

/** schema.ts cluster.ingress.httpPort's default. */
const DEFAULT_INGRESS_HTTP_PORT = 8080;

export function importCompose(sources: ComposeSources, fallbackName: string): { value: ComposeImport | undefined; errors: Diagnostic[] } {
  const { model, errors, notes } = loadCompose(sources);
  if (!model) return { value: undefined, errors: sortDiagnostics(errors) };
  const topNote = (path: PathSegment[], message: string) => notes.push(diagnosticAt(model.top, path, message, { severity: "warning", key: true }));
  if (model.topLevel.networks !== undefined) topNote(["networks"], "not carried: networks are not needed; services reach each other by name through their Kubernetes Services");
  if (model.topLevel.models !== undefined) topNote(["models"], "not carried: devup runs no AI models; run the model server as a service");

  const names = serviceNames(model.services.map((s) => s.name));
  const reached = reachedServices(model.services, model.configs, sources.readFile);
  const builtImages = new Map<string, string>();
  for (const s of model.services) if (s.svc.build !== undefined && typeof s.svc.image === "string") builtImages.set(s.svc.image, s.name);

  const files: GeneratedFile[] = [];
  const imagesToInspect = new Set<string>();
  const forwards = new Set<number>();
  const portless: string[] = [];
  for (const s of model.services) {
    const name = names.get(s.name)!;
    if (s.svc.provider !== undefined) {
      notes.push(diagnosticAt(s.origin, ["services", s.name, "provider"], `not carried: ${s.name} is provided by ${JSON.stringify((s.svc.provider as { type?: string }).type)}, not run from an image; no devup service is generated for it`, { severity: "warning", key: true }));
      names.delete(s.name);
      continue;
    }
    const note = (p: PathSegment[], m: string) => notes.push(diagnosticAt(s.origin, ["services", s.name, ...p], m, { severity: "warning", key: true }));
    if (name !== s.name) note([], `renamed to ${JSON.stringify(name)}: service names must be lowercase DNS labels${[...names.entries()].some(([k, v]) => v === name.replace(/-\d+$/, "") && k !== s.name) ? " (the name without a suffix is taken)" : ""}; other services reach it as ${name}`);
    const ctx: ServiceContext = {
      composeName: s.name,
      imagePorts: sources.imagePorts,
      unknownImage: (image: string) => imagesToInspect.add(image),
      dir: `services/${name}`,
      composeDir: s.dir,
      names,
      configs: model.configs,
      secrets: model.secrets,
      volumes: model.volumes,
      reached: reached.has(s.name),
      builtBy: builtImages,
      services: new Map(model.services.map((x) => [x.name, x.svc])),
      readFile: sources.readFile,
      sourceText: (path) => sourceText(s.origin.parsed, ["services", s.name, ...path]),
      note,
    };
    const { spec, extraFiles } = convertService(s.svc, ctx);
    for (const p of (spec as { ports?: Array<{ forward?: number }> }).ports ?? []) if (p.forward !== undefined) forwards.add(p.forward);
    if (!spec.ports && reached.has(s.name)) portless.push(name);
    files.push({ path: `${ctx.dir}/service.yaml`, content: yamlWithHeader(spec, `Imported from ${s.origin.parsed.file.path} (service ${JSON.stringify(s.name)}) by \`dev import compose\`.`) }, ...extraFiles);
  }
  const projectName = toDnsLabel(model.name ?? fallbackName);
  // A published port on the ingress's default host port (8080) moves the ingress, not the service.
  let httpPort = DEFAULT_INGRESS_HTTP_PORT;
  while (forwards.has(httpPort)) httpPort++;
  const dev = httpPort === DEFAULT_INGRESS_HTTP_PORT ? { name: projectName } : { name: projectName, cluster: { ingress: { httpPort } } };
  files.unshift({ path: "dev.yaml", content: yamlWithHeader(dev, `devup project, imported from ${sources.files.join(", ")}. Services: services/*/service.yaml.`) });
  return { value: { projectName, files, services: [...names.values()], notes: sortDiagnostics(notes), imagesToInspect: [...imagesToInspect].sort() }, errors: [] };
}

/**
 * Compose names → devup names (lowercase DNS labels). A name that is already one keeps it; others
 * are turned into one, with a number added when that name is taken (`web_app` beside `web-app`).
 */
function serviceNames(composeNames: string[]): Map<string, string> {
  const taken = new Set(composeNames.filter((n) => toDnsLabel(n) === n));
  const out = new Map<string, string>();
  for (const n of composeNames) {
    if (toDnsLabel(n) === n) {
      out.set(n, n);
      continue;
    }
    const label = toDnsLabel(n);
    let name = label;
    for (let i = 2; taken.has(name); i++) name = `${label.slice(0, 60)}-${i}`;
    taken.add(name);
    out.set(n, name);
  }
  return out;
}

/** The text of a scalar as written (for numbers that JavaScript cannot hold exactly). */
function sourceText(parsed: { doc: Document.Parsed; file: { text: string } }, path: PathSegment[]): string | undefined {
  const node = parsed.doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
  return node?.range ? parsed.file.text.slice(node.range[0], node.range[1]) : undefined;
}

function yamlWithHeader(value: unknown, comment: string): string {
  const doc = new Document(value);
  doc.commentBefore = ` ${comment}`;
  return doc.toString({ lineWidth: 0 });
}
