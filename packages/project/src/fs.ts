import { posix } from "node:path";

/** Whether a root-relative, "/"-separated path (as `ProjectFs.realPath` returns them) leads out of the root. */
export function outsideRoot(path: string): boolean {
  return path === ".." || path.startsWith("../") || posix.isAbsolute(path) || /^[A-Za-z]:[\\/]/.test(path);
}

/** What validation needs to know about files, passed in so that validation itself does no I/O. */
/** A file that exists but cannot be used as text: why, in words ("is not UTF-8 text; ..."). */
export interface Unreadable {
  unreadable: string;
}

export interface ProjectFs {
  /** Contents of a file relative to the project root, undefined when it does not exist, or why it cannot be read as text. */
  readFile(path: string): string | Unreadable | undefined;
  /** Whether a path (file or folder) exists. */
  exists(path: string): boolean;
  /** Whether git tracks this file (false outside a git repository). */
  isTracked(path: string): boolean;
  /**
   * Where a path leads once every symlink on it is followed: relative to the project root and
   * "/"-separated while it stays inside, otherwise the absolute path outside (or one starting with
   * "../"); undefined when it does not exist. Spec paths are checked with it before anything is read.
   */
  realPath(path: string): string | undefined;
}

/**
 * An in-memory ProjectFs, for tests and for validating generated specs before they are written.
 * `links`: symlinks by root-relative path → target as `readlink` gives it (relative to the link's
 * folder, or absolute). Targets outside the root count as existing.
 */
export function memoryFs(files: Record<string, string>, tracked: readonly string[] = [], links: Record<string, string> = {}): ProjectFs {
  const dirs = new Set<string>();
  for (const f of Object.keys(files)) {
    const parts = f.split("/");
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
  }
  dirs.add(".");
  const trackedSet = new Set(tracked);
  const realPath = (p: string): string | undefined => {
    let path = posix.normalize(p).replace(/\/$/, "");
    for (let hops = 0; hops < 40; hops++) {
      if (outsideRoot(path)) return path;
      const parts = path.split("/");
      const at = parts.findIndex((_, i) => parts.slice(0, i + 1).join("/") in links);
      if (at < 0) return path in files || dirs.has(path) ? path : undefined;
      const link = parts.slice(0, at + 1).join("/");
      const target = links[link]!;
      const base = posix.isAbsolute(target) ? target : posix.join(posix.dirname(link), target);
      path = posix.normalize(posix.join(base, ...parts.slice(at + 1))).replace(/\/$/, "") || ".";
    }
    return undefined; // a symlink loop: as good as missing
  };
  // Reads and existence follow links like the disk does; targets outside the root hold nothing here.
  const inside = (p: string) => {
    const r = realPath(p);
    return r !== undefined && !outsideRoot(r) ? r : undefined;
  };
  return {
    readFile: (p) => {
      const r = inside(p);
      return r === undefined ? undefined : files[r];
    },
    exists: (p) => inside(p) !== undefined,
    isTracked: (p) => trackedSet.has(p),
    realPath,
  };
}
