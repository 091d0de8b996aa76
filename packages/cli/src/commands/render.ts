/** `dev render`: the kube_create_config step. Deterministic: same spec, byte-identical files. */
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { buildObjects, redactSecrets, RENDER_HEADER, renderFiles, renderStream } from "@devup/manifests";
import type { CommandContext } from "../context.ts";
import { imageRefs, loadValidProject } from "../project.ts";

export default async function render(ctx: CommandContext): Promise<void> {
  const project = loadValidProject(ctx);
  const all = buildObjects(project, await imageRefs(project));
  const objects = ctx.options["include-secrets"] ? all : redactSecrets(all);
  const out = typeof ctx.options.out === "string" ? ctx.options.out : join("k8s", project.environment);
  if (out === "-") {
    ctx.out.text(renderStream(objects));
    return;
  }
  const dir = resolve(ctx.cwd, out);
  await mkdir(dir, { recursive: true });
  const files = renderFiles(objects, `dev.yaml (environment ${project.environment})`);
  const counts = { wrote: 0, unchanged: 0, removed: 0 };
  for (const f of files) {
    const path = join(dir, f.name);
    const before = await readFile(path, "utf8").catch(() => undefined);
    const action = before === f.content ? "unchanged" : "wrote";
    if (action === "wrote") await writeFile(path, f.content);
    counts[action]++;
    if (action === "wrote" || ctx.out.format === "json") ctx.out.info({ type: "file", action, path: relative(ctx.cwd, path), message: `${action.padEnd(9)} ${relative(ctx.cwd, path)}` });
  }
  // Files devup rendered earlier for objects that left the spec; anything else in the folder stays.
  const current = new Set(files.map((f) => f.name));
  for (const name of (await readdir(dir)).sort()) {
    if (current.has(name) || !name.endsWith(".yaml")) continue;
    const text = await readFile(join(dir, name), "utf8");
    if (!text.startsWith(RENDER_HEADER)) continue;
    await rm(join(dir, name));
    counts.removed++;
    ctx.out.info({ type: "file", action: "removed", path: relative(ctx.cwd, join(dir, name)), message: `removed   ${relative(ctx.cwd, join(dir, name))}` });
  }
  ctx.out.result({
    type: "rendered",
    dir: relative(ctx.cwd, dir) || ".",
    objects: files.length,
    ...counts,
    secrets: ctx.options["include-secrets"] ? "included" : "redacted",
    message: `${files.length} objects in ${relative(ctx.cwd, dir) || "."} (${counts.wrote} written, ${counts.unchanged} unchanged, ${counts.removed} removed; secrets ${ctx.options["include-secrets"] ? "INCLUDED" : "redacted"})`,
  });
}
