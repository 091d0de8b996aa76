/**
 * The one rule for every path a spec names (config and secret files, env files, the build context
 * and Dockerfile, sync folders, anything added later): resolved against the spec file's folder,
 * with every symlink followed, it must stay inside the project root (the folder of dev.yaml).
 * Nothing outside the project is ever read through a spec path.
 */
import { posix } from "node:path";
import { outsideRoot, type ProjectFs } from "./fs.ts";

export type Confined =
  /** `path`: relative to the project root, "/"-separated; it may not exist (the caller says so). */
  | { ok: true; path: string }
  | { ok: false; message: string };

/** `a/b` + `../c` → `a/c`; never leaves a leading "./" or a trailing "/". */
function joinPath(dir: string, rel: string): string {
  return posix.normalize(posix.join(dir, rel)).replace(/\/$/, "") || ".";
}

/**
 * `rel` (as written in a spec whose relative paths start at `dir`) checked against the project
 * root. `what` names the path in messages, e.g. "config file".
 */
export function confinePath(fs: ProjectFs, dir: string, rel: string, what: string): Confined {
  const shown = JSON.stringify(rel);
  if (posix.isAbsolute(rel) || /^[A-Za-z]:[\\/]/.test(rel) || rel.startsWith("\\")) {
    return { ok: false, message: `${what} ${shown} is an absolute path; give a path relative to the spec file's folder, inside the project (devup reads nothing outside the folder of dev.yaml)` };
  }
  const path = joinPath(dir, rel.replaceAll("\\", "/"));
  if (outsideRoot(path)) {
    return { ok: false, message: `${what} ${shown} leaves the project (it resolves to ${JSON.stringify(path)} from the project root); devup reads nothing outside the folder of dev.yaml: move or copy it into the project` };
  }
  const real = fs.realPath(path);
  if (real === undefined || !outsideRoot(real)) return { ok: true, path };
  // Which link leads out: the first prefix of the path that resolves outside (its parent stays inside).
  const parts = path.split("/");
  for (let i = 1; i <= parts.length; i++) {
    const link = parts.slice(0, i).join("/");
    const target = fs.realPath(link);
    if (target !== undefined && outsideRoot(target)) {
      const through = link === path ? "" : ` (through ${JSON.stringify(link)})`;
      return {
        ok: false,
        message: `${what} ${shown}${through}: ${JSON.stringify(link)} is a symlink to ${JSON.stringify(target)}, outside the project; devup follows no symlink out of the folder of dev.yaml: copy what it points at into the project instead`,
      };
    }
  }
  return { ok: false, message: `${what} ${shown} resolves to ${JSON.stringify(real)}, outside the project; devup reads nothing outside the folder of dev.yaml` };
}
