/** The one inside-the-folder check for absolute paths on this machine (render output, live-sync, build context). */
import { isAbsolute, relative, sep } from "node:path";

/** `path` is `folder` itself or somewhere below it (both absolute; compared as written, no symlinks followed). */
export function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === "" || !(rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel));
}
