/**
 * docker-compose.yml → dev.yaml + services/<name>/service.yaml. Validates against the compose-spec
 * schema first; carries what has a devup equivalent and reports, with its line, what does not.
 */
import { posix } from "node:path";
import { Document } from "yaml";
import { sortDiagnostics, type Diagnostic, type PathSegment } from "../diagnostics.ts";
import { diagnosticAt, type Origin } from "../origin.ts";
import { parseYaml, type SourceFile } from "../source.ts";
import { checkComposeSchema } from "./schema-check.ts";
import { convertService, type ComposeService, type TopLevel } from "./service.ts";
import { toDnsLabel } from "./values.ts";

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
}

/** schema.ts cluster.ingress.httpPort's default. */
const DEFAULT_INGRESS_HTTP_PORT = 8080;

const TOP_LEVEL_NOTES: Record<string, string> = {
  volumes: "not carried: named volumes need PersistentVolumeClaims in Kubernetes; keep data outside the dev cluster or add a PVC yourself",
  networks: "not carried: in Kubernetes every service reaches every other by its name in the namespace",
};

export function importCompose(file: SourceFile, fallbackName: string): { value: ComposeImport | undefined; errors: Diagnostic[] } {
  const { parsed, errors } = parseYaml(file);
  if (!parsed) return { value: undefined, errors };
  const schemaErrors = checkComposeSchema(parsed);
  if (schemaErrors.length) return { value: undefined, errors: schemaErrors };

  const compose = parsed.value as Record<string, unknown>;
  const origin: Origin = { parsed, docPath: [], displayPath: [] };
  const notes: Diagnostic[] = [];
  const note = (path: PathSegment[], message: string) => notes.push(diagnosticAt(origin, path, message, { severity: "warning", key: true }));
  for (const [key, message] of Object.entries(TOP_LEVEL_NOTES)) if (compose[key] !== undefined) note([key], message);

  const composeDir = posix.dirname(file.path);
  const rawServices = (compose.services ?? {}) as Record<string, ComposeService>;
  const names = new Map(Object.keys(rawServices).map((n) => [n, toDnsLabel(n)]));
  const top: TopLevel = {
    configs: (compose.configs ?? {}) as TopLevel["configs"],
    secrets: (compose.secrets ?? {}) as TopLevel["secrets"],
  };
  const files: GeneratedFile[] = [];
  const forwards = new Set<number>();
  for (const [composeName, svc] of Object.entries(rawServices)) {
    const name = names.get(composeName)!;
    if (name !== composeName) note(["services", composeName], `renamed to ${JSON.stringify(name)}: service names must be lowercase DNS labels`);
    const dir = `services/${name}`;
    const spec = convertService(svc ?? {}, { composeName, dir, composeDir, names, top, note: (p, m) => note(["services", composeName, ...p], m) });
    for (const p of (spec as { ports?: Array<{ forward?: number }> }).ports ?? []) if (p.forward !== undefined) forwards.add(p.forward);
    files.push({ path: `${dir}/service.yaml`, content: yamlWithHeader(spec, `Imported from ${file.path} (service ${JSON.stringify(composeName)}) by \`dev import compose\`.`) });
  }
  const projectName = toDnsLabel(typeof compose.name === "string" ? compose.name : fallbackName);
  // A published port on the ingress's default host port (8080) moves the ingress, not the service.
  let httpPort = DEFAULT_INGRESS_HTTP_PORT;
  while (forwards.has(httpPort)) httpPort++;
  const dev = httpPort === DEFAULT_INGRESS_HTTP_PORT ? { name: projectName } : { name: projectName, cluster: { ingress: { httpPort } } };
  files.unshift({ path: "dev.yaml", content: yamlWithHeader(dev, `devup project, imported from ${file.path}. Services: services/*/service.yaml.`) });
  return { value: { projectName, files, services: [...names.values()], notes: sortDiagnostics(notes) }, errors: [] };
}

function yamlWithHeader(value: unknown, comment: string): string {
  const doc = new Document(value);
  doc.commentBefore = ` ${comment}`;
  return doc.toString({ lineWidth: 0 });
}
