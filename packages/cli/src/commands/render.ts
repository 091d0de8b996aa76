/** `dev render`: the kube_create_config step. Deterministic: same spec, byte-identical files. */
import { readdir, rm } from "node:fs/promises";
import { join, relative } from "node:path";
import { projectObjects } from "@devup/engine";
import { redactSecrets, RENDER_HEADER, renderFiles, renderStream, type KubeObject } from "@devup/manifests";
import { renderOwnManifests } from "@devup/own-manifests";
import type { CommandContext } from "../context.ts";
import { imageRefs, loadValidProject } from "../project.ts";
import { claimOutputDir, readRegularFile, resolveOutDir, writeInto } from "../safe-output.ts";

export default async function render(ctx: CommandContext): Promise<void> {
  const project = loadValidProject(ctx);
  const images = await imageRefs(project);
  // Services with manifests: their own objects, rendered and with the images injected, as dev up applies them.
  const rendered: Record<string, KubeObject[]> = {};
  for (const s of project.services.filter((x) => x.manifests)) rendered[s.name] = await renderOwnManifests(project, s);
  const all = projectObjects(project, images, rendered);
  const objects = ctx.options["include-secrets"] ? all : redactSecrets(all);
  const out = typeof ctx.options.out === "string" ? ctx.options.out : join("k8s", project.environment);
  if (out === "-") {
    ctx.out.text(renderStream(objects));
    return;
  }
  // Relative to the project root, not the current folder: from a service folder (a build context)
  // a second k8s/ there would change the image's content tag and could hold secrets.
  const dir = resolveOutDir(project.root, out);
  // Paths in the project relative to where the command runs; others as given.
  const shown = (path: string) => (relative(project.root, path).startsWith("..") ? path : relative(ctx.cwd, path) || ".");
  const ours = (name: string, text: string) => name.endsWith(".yaml") && text.startsWith(RENDER_HEADER);
  await claimOutputDir(dir, shown(dir), ours, project.root);
  const files = renderFiles(objects, `dev.yaml (environment ${project.environment})`);
  const counts = { wrote: 0, unchanged: 0, removed: 0 };
  for (const [i, f] of files.entries()) {
    // Secret files are the owner's alone, redacted or not.
    const action = writeInto(dir, f.name, f.content, objects[i]?.kind === "Secret" ? 0o600 : 0o644);
    const path = join(dir, f.name);
    counts[action]++;
    if (action === "wrote" || ctx.out.format === "json") ctx.out.info({ type: "file", action, path: shown(path), message: `${action.padEnd(9)} ${shown(path)}` });
  }
  // Files devup rendered earlier for objects that left the spec; anything else in the folder stays.
  const current = new Set(files.map((f) => f.name));
  for (const name of (await readdir(dir)).sort()) {
    if (current.has(name) || !name.endsWith(".yaml")) continue;
    const text = await readRegularFile(join(dir, name));
    if (text === undefined || !ours(name, text)) continue;
    await rm(join(dir, name));
    counts.removed++;
    ctx.out.info({ type: "file", action: "removed", path: shown(join(dir, name)), message: `removed   ${shown(join(dir, name))}` });
  }
  ctx.out.result({
    type: "rendered",
    dir: shown(dir),
    objects: files.length,
    ...counts,
    secrets: ctx.options["include-secrets"] ? "included" : "redacted",
    message: `${files.length} objects in ${shown(dir)} (${counts.wrote} written, ${counts.unchanged} unchanged, ${counts.removed} removed; secrets ${ctx.options["include-secrets"] ? "INCLUDED" : "redacted"})`,
  });
}
