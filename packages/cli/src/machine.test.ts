import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fromLastRun } from "./machine.ts";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function setUp(env: string, harnessNewer: boolean): Promise<{ harness: string; cache: string }> {
  const root = await mkdtemp(join(tmpdir(), "devup-machine-"));
  dirs.push(root);
  const harness = join(root, "cluster", "ensure");
  await mkdir(join(root, "cluster", "node"), { recursive: true });
  await writeFile(harness, "#!/bin/sh\n");
  await writeFile(join(root, "cluster", "node", "entrypoint"), "#!/bin/sh\n");
  await writeFile(join(root, "ensure.env"), env);
  const old = new Date(Date.now() - 60_000);
  const recent = new Date();
  // A recipe file deep in the harness folder decides, not only the ensure script.
  await utimes(join(root, "ensure.env"), harnessNewer ? old : recent, harnessNewer ? old : recent);
  await utimes(join(root, "cluster", "node", "entrypoint"), harnessNewer ? recent : old, harnessNewer ? recent : old);
  await utimes(harness, old, old);
  return { harness, cache: root };
}

const GOOD = `KIND=${process.execPath}\nNODE_IMAGE=devup.local/kind-node:v1\nREGISTRY_CONTAINER=devup-registry\nTRAEFIK_IMAGE=devup.local/traefik:v3\n`;
const present = () => Promise.resolve(true);

describe("fromLastRun (the harness's last output, reused)", () => {
  it("is reused while it is newer than every harness file and what it names is there", async () => {
    const { harness, cache } = await setUp(GOOD, false);
    expect(await fromLastRun(harness, cache, present)).toMatchObject({ NODE_IMAGE: "devup.local/kind-node:v1", REGISTRY_CONTAINER: "devup-registry" });
  });

  it("is not reused once any harness file is newer than it", async () => {
    const { harness, cache } = await setUp(GOOD, true);
    expect(await fromLastRun(harness, cache, present)).toBeUndefined();
  });

  it("is not reused when an image or the registry container it names is gone", async () => {
    const { harness, cache } = await setUp(GOOD, false);
    expect(await fromLastRun(harness, cache, () => Promise.resolve(false))).toBeUndefined();
  });

  it("is not reused when the kind binary it names is gone (before asking Docker anything)", async () => {
    const { harness, cache } = await setUp("KIND=/nonexistent/kind\nNODE_IMAGE=devup.local/kind-node:v1\nREGISTRY_CONTAINER=devup-registry\n", false);
    expect(await fromLastRun(harness, cache, present)).toBeUndefined();
  });

  it("is not reused without a cache file", async () => {
    const { harness } = await setUp("", false);
    expect(await fromLastRun(harness, join(tmpdir(), "devup-no-such-cache"), present)).toBeUndefined();
  });
});
