import { lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { hashKeyPath, machineHashKey } from "./hash-key.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function cache(): string {
  const d = mkdtempSync(join(tmpdir(), "devup-hash-key-"));
  dirs.push(d);
  return join(d, "cache");
}

describe("machineHashKey", () => {
  it("creates a private key once and reuses it", () => {
    const env = { DEVUP_CACHE_DIR: cache() };
    const key = machineHashKey(env);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(lstatSync(hashKeyPath(env)).mode & 0o777).toBe(0o600);
    expect(machineHashKey(env)).toBe(key);
    expect(machineHashKey({ DEVUP_CACHE_DIR: cache() })).not.toBe(key);
  });

  it("never writes through a symlink planted at the key's path", () => {
    const dir = cache();
    const env = { DEVUP_CACHE_DIR: dir };
    machineHashKey(env); // creates the folder
    const victim = join(dir, "..", "victim");
    writeFileSync(victim, "keep me\n");
    rmSync(hashKeyPath(env));
    symlinkSync(victim, hashKeyPath(env));
    const key = machineHashKey(env);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(victim, "utf8")).toBe("keep me\n");
    expect(lstatSync(hashKeyPath(env)).isSymbolicLink()).toBe(true);
  });
});
