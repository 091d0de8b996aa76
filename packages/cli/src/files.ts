/** Writing generated spec files without ever losing a user's file. */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { DevupError } from "@devup/errors";
import { formatDiagnostic, validateProject, nodeProjectFs, type GeneratedFile, type ProjectFs } from "@devup/project";
import type { CommandContext } from "./context.ts";

/** Writes all files or none: when any exists and `force` is off, nothing is written. */
export async function writeNewFiles(ctx: CommandContext, root: string, files: readonly GeneratedFile[], force: boolean): Promise<void> {
  const existing = files.filter((f) => existsSync(join(root, f.path)));
  if (existing.length && !force) {
    throw new DevupError("fileExists", `${existing.length} file${existing.length === 1 ? "" : "s"} would be overwritten; nothing was written`, {
      details: existing.map((f) => f.path),
      hint: "move them away, or run again with --force to overwrite them",
    });
  }
  for (const f of files) {
    const path = join(root, f.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, f.content);
    ctx.out.info({ type: "file", action: existing.includes(f) ? "overwrote" : "wrote", path: f.path, message: `${existing.includes(f) ? "overwrote" : "wrote"} ${f.path}` });
  }
}

/** Validates generated files as the project they will form, beside the files already on disk. */
export function checkGenerated(root: string, files: readonly GeneratedFile[]): { errors: string[]; warnings: string[] } {
  const real = nodeProjectFs(root);
  const generated = new Map(files.map((f) => [f.path, f.content]));
  const fs: ProjectFs = { ...real, readFile: (p) => generated.get(p) ?? real.readFile(p), exists: (p) => generated.has(p) || real.exists(p) };
  const dev = generated.get("dev.yaml");
  if (dev === undefined) return { errors: [], warnings: [] };
  const serviceFiles = files.filter((f) => f.path.endsWith("/service.yaml")).map((f) => ({ path: f.path, text: f.content }));
  const result = validateProject({ root, devFile: { path: "dev.yaml", text: dev }, serviceFiles }, fs);
  return { errors: result.errors.map(formatDiagnostic), warnings: result.warnings.map(formatDiagnostic) };
}
