/** Writing generated spec files without ever losing a user's file. */
import { constants, existsSync, lstatSync, writeFileSync } from "node:fs";
import { copyFile, lstat, mkdir, readlink, symlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { DevupError } from "@devup/errors";
import { formatDiagnostic, validateProject, nodeProjectFs, type GeneratedFile, type ProjectFs } from "@devup/project";
import type { CommandContext } from "./context.ts";
import { leadsOutOf, writeInto } from "./safe-output.ts";

/**
 * `.devup/.gitignore`: the state folder keeps itself out of git, whatever the project's .gitignore
 * says. Written with O_EXCL: an existing file, or a link planted there, is left alone.
 */
export function keepOutOfGit(stateDir: string): void {
  try {
    writeFileSync(join(stateDir, ".gitignore"), "# devup's local state and backups\n*\n", { flag: "wx" });
  } catch {
    // already there
  }
}

/** Where `--force` keeps what it replaces, relative to the project root. */
const BACKUP_DIR = ".devup/backup";

/**
 * Copies `paths` (relative to `root`) to `.devup/backup/<time>/<same path>` before they are replaced;
 * a symlink is kept as a symlink (never followed). Returns the backup folder, relative to `root`.
 */
async function backUp(root: string, paths: readonly string[], now = new Date()): Promise<string> {
  const out = await leadsOutOf(join(root, BACKUP_DIR), root);
  if (out !== undefined) throw new DevupError("usage", `will not keep backups in ${BACKUP_DIR}: a symlink on the way leads out of the project (to ${out}); nothing was written`, { hint: "remove the symlink and run again" });
  const stamp = now.toISOString().replace(/[:.]/g, "-");
  let rel = `${BACKUP_DIR}/${stamp}`;
  for (let n = 2; existsSync(join(root, rel)); n++) rel = `${BACKUP_DIR}/${stamp}-${n}`;
  await mkdir(join(root, ".devup"), { recursive: true });
  // The folder keeps itself out of git, whatever the project's .gitignore says.
  keepOutOfGit(join(root, ".devup"));
  for (const p of paths) {
    const from = join(root, p);
    const to = join(root, rel, p);
    await mkdir(dirname(to), { recursive: true });
    const st = await lstat(from);
    if (st.isSymbolicLink()) await symlink(await readlink(from), to);
    else if (st.isFile()) await copyFile(from, to, constants.COPYFILE_EXCL);
  }
  return rel;
}

/**
 * Writes all files or none: when any exists and `force` is off, nothing is written. With `force`,
 * a copy of every replaced file is kept first (backUp) and the output says where. Files are
 * replaced through a temporary file and a rename: never written through a symlink.
 */
export async function writeNewFiles(ctx: CommandContext, root: string, files: readonly GeneratedFile[], force: boolean): Promise<void> {
  const existing = files.filter((f) => lstatSync(join(root, f.path), { throwIfNoEntry: false }) !== undefined);
  if (existing.length && !force) {
    throw new DevupError("fileExists", `${existing.length} file${existing.length === 1 ? "" : "s"} would be overwritten; nothing was written`, {
      details: existing.map((f) => f.path),
      hint: "move them away, or run again with --force to overwrite them (a copy of each is kept in .devup/backup/)",
    });
  }
  for (const f of files) {
    const out = await leadsOutOf(join(root, dirname(f.path)), root);
    if (out !== undefined) {
      throw new DevupError("usage", `will not write ${f.path}: a symlink on the way leads out of the project (to ${out}); nothing was written`, { hint: "remove the symlink and run again" });
    }
  }
  if (existing.length) {
    const dir = await backUp(root, existing.map((f) => f.path));
    ctx.out.info({ type: "backup", dir, files: existing.map((f) => f.path), message: `kept a copy of the ${existing.length} file${existing.length === 1 ? "" : "s"} it replaces in ${dir}/` });
  }
  for (const f of files) {
    const path = join(root, f.path);
    await mkdir(dirname(path), { recursive: true });
    writeInto(dirname(path), basename(path), f.content, 0o644);
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
