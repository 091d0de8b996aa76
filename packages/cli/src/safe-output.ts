/**
 * Writing into a folder devup owns, and never through a symlink: what `dev render` writes into.
 * A folder is devup's when it is new or empty, holds the marker file, or holds nothing but files
 * devup rendered (older versions wrote no marker). Files are written to a temporary name in the
 * folder and renamed over the old one, so a planted symlink is replaced, never followed; nothing but
 * regular files is ever opened (a FIFO or a device would hang or leak).
 */
import { randomBytes } from "node:crypto";
import { chmodSync, lstatSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { lstat, mkdir, readdir, readFile, realpath } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, dirname, isAbsolute, join, parse, resolve } from "node:path";
import { DevupError, errorMessage } from "@devup/errors";
import { isInside } from "@devup/files";

export const OUTPUT_MARKER = ".devup-render";
const MARKER_TEXT = "This folder is written by `dev render`: files that start with devup's header are replaced or removed on each run.\n";

/**
 * `--out` against the project root unless absolute (never the current folder: a service folder is a
 * build context). A relative one must stay inside the project: `../x` from a service folder would
 * otherwise land above the project.
 */
export function resolveOutDir(root: string, out: string): string {
  if (isAbsolute(out)) return resolve(out);
  const dir = resolve(root, out);
  if (!isInside(dir, root)) {
    throw new DevupError("usage", `--out ${out} leaves the project: a relative --out is taken from the project root (${root})`, { hint: "give a folder inside the project, or an absolute path to write elsewhere" });
  }
  return dir;
}

const errno = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code;

function writeFailed(what: string, cause: unknown): DevupError {
  const reasons: Record<string, string> = {
    EACCES: "permission denied",
    EPERM: "permission denied",
    EROFS: "read-only file system",
    ENOENT: "the file system does not let a folder be created there",
    ENOSPC: "no space left on the device",
  };
  const reason = reasons[errno(cause) ?? ""] ?? errorMessage(cause);
  return new DevupError("writeFailed", `cannot write ${what}: ${reason}`, { cause, hint: "check the folder's permissions and free space, or write somewhere else" });
}

async function lstatOrUndefined(path: string) {
  return lstat(path).catch((error: unknown) => {
    if (errno(error) === "ENOENT") return undefined;
    throw writeFailed(path, error);
  });
}

/** The contents of a regular file, or undefined for anything else (missing, symlink, folder, FIFO, device). */
export async function readRegularFile(path: string): Promise<string | undefined> {
  const st = await lstat(path).catch(() => undefined);
  return st?.isFile() ? readFile(path, "utf8") : undefined;
}

/** The real path of `dir`, or of its nearest existing ancestor joined with the missing rest. */
async function realPathOfNearest(dir: string): Promise<string> {
  let at = dir;
  const rest: string[] = [];
  for (;;) {
    const real = await realpath(at).catch(() => undefined);
    if (real !== undefined) return join(real, ...rest);
    if (dirname(at) === at) return dir;
    rest.unshift(basename(at));
    at = dirname(at);
  }
}

/** Where `path` (inside `project` as written) really leads when a symlink on the way takes it out of the project; else undefined. */
export async function leadsOutOf(path: string, project: string): Promise<string | undefined> {
  const real = await realPathOfNearest(path);
  return isInside(real, await realpath(project).catch(() => project)) ? undefined : real;
}

/**
 * Creates `dir` and its missing parents one level at a time (`mkdir -p` in Node loops forever on
 * a path under /proc), each parent checked to be a folder.
 */
async function makeDirs(dir: string, shown: string, refuse: (why: string) => DevupError): Promise<void> {
  const missing: string[] = [];
  let at = dir;
  for (;;) {
    const st = await lstatOrUndefined(at);
    if (st === undefined) {
      missing.unshift(at);
      if (dirname(at) === at) break;
      at = dirname(at);
      continue;
    }
    // A parent may be a symlink to a folder (e.g. /tmp on some systems); only the output folder itself may not.
    const isFolder = st.isDirectory() || (st.isSymbolicLink() && (await realpath(at).then((r) => lstat(r)).catch(() => undefined))?.isDirectory() === true);
    if (!isFolder) throw refuse(`${at} is not a folder`);
    break;
  }
  for (const d of missing) {
    await mkdir(d).catch((error: unknown) => {
      throw writeFailed(shown, error);
    });
  }
}

/**
 * Makes `dir` ready for devup's files or throws a DevupError that says why not: `/`, the home
 * folder, a symlink, something that is not a folder, or a folder holding files devup did not write.
 * `isOwnFile` tells a file devup wrote from the name and text of a regular file. A folder inside
 * `project` must stay inside it once symlinks are followed (a planted `k8s -> ~/.config` is refused).
 */
export async function claimOutputDir(dir: string, shown: string, isOwnFile: (name: string, text: string) => boolean, project?: string): Promise<void> {
  const refuse = (why: string, hint = "choose an empty or new folder with --out") => new DevupError("usage", `will not write into ${shown}: ${why}`, { hint });
  const real = await realpath(dir).catch(() => dir);
  if (parse(real).root === real || parse(dir).root === dir) throw refuse("it is the root of the file system");
  const home = await realpath(homedir()).catch(() => homedir());
  if (real === home || dir === homedir()) throw refuse("it is your home folder");
  const st = await lstatOrUndefined(dir);
  if (st?.isSymbolicLink()) throw refuse("it is a symlink (devup never writes through one)", "give the real folder with --out");
  const leads = project !== undefined && isInside(dir, project) ? await leadsOutOf(dir, project) : undefined;
  if (leads !== undefined) throw refuse(`a symlink on the way leads out of the project (to ${leads})`, "remove the symlink, or give the real folder with --out");
  if (st === undefined) {
    await makeDirs(dir, shown, refuse);
  } else if (!st.isDirectory()) {
    throw refuse(st.isFile() ? "it is a file, not a folder" : "it is not a folder");
  } else {
    const entries = await readdir(dir).catch((error: unknown) => {
      throw writeFailed(shown, error);
    });
    if (entries.length && !entries.includes(OUTPUT_MARKER)) {
      const foreign = [];
      for (const name of entries) {
        const text = name.endsWith(".yaml") ? await readRegularFile(join(dir, name)) : undefined;
        if (text === undefined || !isOwnFile(name, text)) foreign.push(name);
      }
      if (foreign.length) {
        throw new DevupError("fileExists", `will not write into ${shown}: it holds files devup did not write`, {
          details: foreign.slice(0, 10).concat(foreign.length > 10 ? [`… and ${foreign.length - 10} more`] : []),
          hint: `choose an empty or new folder with --out (devup claims a folder by writing ${OUTPUT_MARKER} into it)`,
        });
      }
    }
  }
  writeInto(dir, OUTPUT_MARKER, MARKER_TEXT, 0o644);
}

/**
 * Writes `name` in `dir` unless it already holds exactly this text with this mode: a temporary file
 * created exclusively in the same folder, then renamed over the old entry (a symlink is replaced).
 * Synchronous: `dev render` writes a thousand small files, and a thread-pool round trip per system
 * call cost more than the calls themselves.
 */
export function writeInto(dir: string, name: string, content: string, mode: number): "wrote" | "unchanged" {
  const path = join(dir, name);
  let st;
  try {
    st = lstatSync(path, { throwIfNoEntry: false });
  } catch (error) {
    throw writeFailed(path, error);
  }
  // Same size first: a changed file is not read back.
  if (st?.isFile() && (st.mode & 0o777) === mode && st.size === Buffer.byteLength(content) && readFileSync(path, "utf8") === content) return "unchanged";
  const temp = join(dir, `.${name}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    writeFileSync(temp, content, { flag: "wx", mode });
    chmodSync(temp, mode); // exactly this mode, whatever the umask
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    if (errno(error) === "EISDIR" || errno(error) === "ENOTEMPTY") throw new DevupError("usage", `will not replace the folder ${path} with a file`, { hint: "move it away and run again" });
    throw writeFailed(path, error);
  }
  return "wrote";
}
