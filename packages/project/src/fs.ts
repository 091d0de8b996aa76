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
}

/** An in-memory ProjectFs, for tests and for validating generated specs before they are written. */
export function memoryFs(files: Record<string, string>, tracked: readonly string[] = []): ProjectFs {
  const dirs = new Set<string>();
  for (const f of Object.keys(files)) {
    const parts = f.split("/");
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
  }
  dirs.add(".");
  const trackedSet = new Set(tracked);
  return {
    readFile: (p) => files[p],
    exists: (p) => p in files || dirs.has(p),
    isTracked: (p) => trackedSet.has(p),
  };
}
