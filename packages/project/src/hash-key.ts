/**
 * The machine's key for hashes of secret values. A config-hash annotation or a deploy-history entry
 * holds a hash of the secrets so that pods roll when they change; unkeyed, a weak secret could be
 * guessed offline from that hash (in rendered YAML in a repository, or from a ConfigMap). Keyed with
 * a random value kept 0600 in the user's cache, the hash says "changed" and nothing more.
 */
import { randomBytes } from "node:crypto";
import { closeSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export function hashKeyPath(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.DEVUP_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "devup");
  return join(cache, "hash-key");
}

/**
 * The key, created on first use. Never follows a symlink at the key's path; when the cache cannot be
 * written, a key for this process only (hashes then differ per run, so pods roll: still private).
 */
export function machineHashKey(env: NodeJS.ProcessEnv = process.env): string {
  const path = hashKeyPath(env);
  try {
    const st = lstatSync(path);
    if (st.isFile()) {
      const key = readFileSync(path, "utf8").trim();
      if (/^[0-9a-f]{64}$/.test(key)) return key;
    }
  } catch {
    // Missing: created below.
  }
  const key = randomBytes(32).toString("hex");
  try {
    mkdirSync(join(path, ".."), { recursive: true, mode: 0o700 });
    const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}`;
    const fd = openSync(temp, "wx", 0o600);
    try {
      writeSync(fd, `${key}\n`);
    } finally {
      closeSync(fd);
    }
    if (lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()) {
      rmSync(temp, { force: true });
      return key;
    }
    renameSync(temp, path);
  } catch {
    // Read-only cache: this process's key.
  }
  return key;
}
