import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fromLastRun, harnessHash } from "./machine.ts";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** A harness folder (an ensure script and a recipe file deeper down) and a cache holding `ensure.env`. */
async function setUp(lines: (hash: string) => string): Promise<{ harness: string; cache: string; recipe: string }> {
  const root = await mkdtemp(join(tmpdir(), "devup-machine-"));
  dirs.push(root);
  const harness = join(root, "cluster", "ensure");
  const recipe = join(root, "cluster", "node", "entrypoint");
  await mkdir(join(root, "cluster", "node"), { recursive: true });
  await writeFile(harness, "#!/bin/sh\necho ensure\n");
  await writeFile(recipe, "#!/bin/sh\necho node\n");
  await writeFile(join(root, "ensure.env"), lines(await harnessHash(join(root, "cluster"))));
  return { harness, cache: root, recipe };
}

const good = (hash: string) => `HARNESS_HASH=${hash}\nKIND=${process.execPath}\nNODE_IMAGE=devup.local/kind-node:v1\nREGISTRY_CONTAINER=devup-registry\nTRAEFIK_IMAGE=devup.local/traefik:v3\n`;
const present = () => Promise.resolve(true);

describe("harnessHash", () => {
  it("is the hash scripts/cluster/ensure writes (same files, same order, same digest)", async () => {
    const { harness } = await setUp(good);
    const dir = join(harness, "..");
    const bash = execFileSync("bash", ["-c", "find . -type f -print0 | LC_ALL=C sort -z | xargs -0 cat | sha256sum | cut -c1-16"], { cwd: dir, encoding: "utf8" }).trim();
    expect(await harnessHash(dir)).toBe(bash);
  });
});

describe("fromLastRun (the harness's last output, reused)", () => {
  it("is reused while the harness's files are the ones that wrote it and what it names is there", async () => {
    const { harness, cache } = await setUp(good);
    expect(await fromLastRun(harness, cache, present)).toMatchObject({ NODE_IMAGE: "devup.local/kind-node:v1", REGISTRY_CONTAINER: "devup-registry" });
  });

  it("is not reused once any harness file changed (an upgrade, an edited recipe)", async () => {
    const { harness, cache, recipe } = await setUp(good);
    await writeFile(recipe, "#!/bin/sh\necho node, changed\n");
    expect(await fromLastRun(harness, cache, present)).toBeUndefined();
  });

  it("is not reused without a harness hash (written by an older harness)", async () => {
    const { harness, cache } = await setUp((hash) => good(hash).replace(/^HARNESS_HASH=.*\n/, ""));
    expect(await fromLastRun(harness, cache, present)).toBeUndefined();
  });

  it("is not reused when an image or the registry container it names is gone", async () => {
    const { harness, cache } = await setUp(good);
    expect(await fromLastRun(harness, cache, () => Promise.resolve(false))).toBeUndefined();
  });

  it("is not reused when the kind binary it names is gone (before asking Docker anything)", async () => {
    const { harness, cache } = await setUp((hash) => good(hash).replace(/^KIND=.*$/m, "KIND=/nonexistent/kind"));
    expect(await fromLastRun(harness, cache, present)).toBeUndefined();
  });

  it("is not reused without a cache file", async () => {
    const { harness } = await setUp(good);
    expect(await fromLastRun(harness, join(tmpdir(), "devup-no-such-cache"), present)).toBeUndefined();
  });
});
