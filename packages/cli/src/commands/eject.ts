/**
 * `dev eject SERVICE`: the service's generated objects as plain YAML in `<service>/deploy/`, and its
 * service.yaml switched to `manifests:` (a copy of the old one kept in .devup/backup/). The Secret
 * stays generated from `secrets:`, so no secret value is written. Nothing is written unless the
 * result validates; existing YAML files are replaced only with --force (and kept in the backup).
 */
import { readFileSync } from "node:fs";
import { posix } from "node:path";
import { DevupError } from "@devup/errors";
import { ejectObjects } from "@devup/manifests";
import { ejectServiceSpec, formatDiagnostic, nodeProjectFs, readProjectSources, validateProject, type ProjectFs } from "@devup/project";
import type { CommandContext } from "../context.ts";
import { writeNewFiles } from "../files.ts";
import { imageRefs, loadValidProject } from "../project.ts";

const FOLDER = "deploy";

export default async function eject(ctx: CommandContext): Promise<void> {
  const name = ctx.positionals[0];
  if (!name || ctx.positionals.length > 1) throw new DevupError("usage", "dev eject needs one SERVICE", { hint: "dev eject SERVICE [--force]" });
  const project = loadValidProject(ctx);
  const service = project.services.find((s) => s.name === name);
  if (!service) throw new DevupError("usage", `no service is named ${JSON.stringify(name)}`, { hint: `services: ${project.services.map((s) => s.name).join(", ")}` });
  if (service.manifests) throw new DevupError("usage", `${name} already has manifests: (${service.manifests.at})`, { hint: "its YAML is yours already" });
  if (service.dir === ".") throw new DevupError("usage", `${name} is declared inline in dev.yaml; dev eject works on a services/<name>/service.yaml`, { hint: "move it to its own service.yaml first" });

  const files = ejectObjects(project, name, await imageRefs(project)).map((f) => ({ path: posix.join(service.dir, FOLDER, f.name), content: f.content }));
  const spec = ejectServiceSpec(readFileSync(posix.join(project.root, service.specFile), "utf8"), service, FOLDER);

  // The project as it will be: it must validate before anything is written.
  const real = nodeProjectFs(project.root);
  const next = new Map([...files.map((f) => [f.path, f.content] as const), [service.specFile, spec.text]]);
  const fs: ProjectFs = { ...real, readFile: (p) => next.get(p) ?? real.readFile(p), exists: (p) => next.has(p) || [...next.keys()].some((k) => k.startsWith(`${p}/`)) || real.exists(p) };
  const sources = readProjectSources(project.root);
  sources.serviceFiles = sources.serviceFiles.map((f) => (f.path === service.specFile ? { path: f.path, text: spec.text } : f));
  const check = validateProject(sources, fs, { environment: project.environment });
  if (check.errors.length) {
    throw new DevupError("internal", `the ejected ${service.specFile} would not validate; nothing was written`, { details: check.errors.map(formatDiagnostic) });
  }

  await writeNewFiles(ctx, project.root, files, ctx.options.force === true);
  // service.yaml is always replaced: a copy of the old one goes to .devup/backup/ first.
  await writeNewFiles(ctx, project.root, [{ path: service.specFile, content: spec.text }], true);
  for (const note of spec.notes) ctx.out.info({ type: "note", service: name, message: `note: ${note}` });
  ctx.out.result({
    type: "ejected",
    service: name,
    dir: posix.join(service.dir, FOLDER),
    objects: files.length,
    message: `${name}: ${files.length} objects in ${posix.join(service.dir, FOLDER)}/, ${service.specFile} now uses manifests: (dev render gives the same objects)`,
  });
}
