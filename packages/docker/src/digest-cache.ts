/**
 * Digests of build-context files kept between hashes in one process, keyed by what a write changes
 * (inode, size, mtime and ctime in nanoseconds, mode). A watching `dev up` rehashes a whole context on
 * every change; with this only changed files are read again (up to MAX_ENTRIES files remembered). As
 * git does for its index, a file is remembered only when its mtime and ctime were at least RACY_MS
 * older than the moment it was hashed: a file written in the same clock tick as its hash may change
 * again without its timestamps moving on a coarse file system.
 */
import { createHash } from "node:crypto";
import type { BigIntStats } from "node:fs";
import { readFile } from "node:fs/promises";

const RACY_MS = 2_000;

/**
 * At most this many files are remembered (~100 bytes each: the path, then the stat key and the
 * digest in one string), so a huge context costs a watching `dev up` a megabyte or two, not ten;
 * files past it are read on every hash, as without a cache.
 */
const MAX_ENTRIES = 10_000;

export class DigestCache {
  /** path → "<stat key> <base64 SHA-256>"; only files settled when they were hashed. */
  readonly #entries = new Map<string, string>();
  readonly #max: number;
  hits = 0;
  misses = 0;

  constructor(maxEntries = MAX_ENTRIES) {
    this.#max = maxEntries;
  }

  /** The SHA-256 (hex) of the regular file `path` with stats `st`: from the cache when nothing about it changed. */
  async digest(path: string, st: BigIntStats): Promise<string> {
    const key = [st.ino, st.size, st.mtimeNs, st.ctimeNs, st.mode].map((n) => n.toString(36)).join(":");
    const known = this.#entries.get(path);
    if (known !== undefined && known.startsWith(`${key} `)) {
      this.hits++;
      return Buffer.from(known.slice(key.length + 1), "base64").toString("hex");
    }
    this.misses++;
    const digest = createHash("sha256").update(await readFile(path)).digest();
    const settled = Number(st.mtimeNs / 1_000_000n) < Date.now() - RACY_MS && Number(st.ctimeNs / 1_000_000n) < Date.now() - RACY_MS;
    if (!settled) this.#entries.delete(path);
    else if (known !== undefined || this.#entries.size < this.#max) this.#entries.set(path, `${key} ${digest.toString("base64")}`);
    return digest.toString("hex");
  }

  /** Forgets files no longer in a context of `root` (so a deleted tree does not stay in memory). */
  keepOnly(root: string, present: ReadonlySet<string>): void {
    for (const path of this.#entries.keys()) if (path.startsWith(root) && !present.has(path)) this.#entries.delete(path);
  }
}

/** The cache every hash of this process shares. */
export const contextDigests = new DigestCache();
