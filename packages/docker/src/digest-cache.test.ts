// The context digest cache reads a file again whenever it may have changed, and only then.
import { mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashBuildInputs } from "./context.ts";
import { DigestCache } from "./digest-cache.ts";

let dir: string;
const hourAgo = new Date(Date.now() - 3600_000);
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "devup-digests-"));
  await writeFile(join(dir, "Dockerfile"), "FROM scratch\nCOPY . .\n");
  for (const name of ["a.txt", "b.txt"]) {
    await writeFile(join(dir, name), `${name}\n`);
    await utimes(join(dir, name), hourAgo, hourAgo);
  }
  await utimes(join(dir, "Dockerfile"), hourAgo, hourAgo);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const inputs = () => ({ context: dir, dockerfile: join(dir, "Dockerfile"), args: {} });

describe("context digest cache", () => {
  it("gives the same hash as no cache, and reads unchanged settled files once", async () => {
    const cache = new DigestCache();
    const first = await hashBuildInputs(inputs(), cache);
    expect(first).toBe(await hashBuildInputs(inputs(), new DigestCache()));
    expect(cache.misses).toBe(3);
    // ctime is the moment of the writes above, not an hour ago: those entries are not trusted yet.
    expect(await hashBuildInputs(inputs(), cache)).toBe(first);
    expect(cache.hits).toBe(0);
  });

  it("trusts entries of files settled for a while, and reads a changed one again", async () => {
    const cache = new DigestCache();
    // Pretend the files were hashed long after their last change (ctime cannot be set back).
    const realNow = Date.now;
    Date.now = () => realNow() + 3600_000;
    try {
      const first = await hashBuildInputs(inputs(), cache);
      expect(await hashBuildInputs(inputs(), cache)).toBe(first);
      expect(cache).toMatchObject({ misses: 3, hits: 3 });
      // Same size, mtime set back to what it was: ctime still moves, so the file is read again.
      await writeFile(join(dir, "a.txt"), "A.txt\n");
      await utimes(join(dir, "a.txt"), hourAgo, hourAgo);
      const changed = await hashBuildInputs(inputs(), cache);
      expect(changed).not.toBe(first);
      expect(cache).toMatchObject({ misses: 4, hits: 5 });
      expect(changed).toBe(await hashBuildInputs(inputs(), new DigestCache()));
    } finally {
      Date.now = realNow;
    }
  });

  it("remembers at most its limit of files; the others are read on every hash", async () => {
    const cache = new DigestCache(2);
    const realNow = Date.now;
    Date.now = () => realNow() + 3600_000;
    try {
      const first = await hashBuildInputs(inputs(), cache);
      expect(await hashBuildInputs(inputs(), cache)).toBe(first);
      // Three files (a.txt, b.txt, Dockerfile), two remembered.
      expect(cache).toMatchObject({ misses: 4, hits: 2 });
    } finally {
      Date.now = realNow;
    }
  });
});
