// The output folder checks on their own, for what a CLI test could not try safely.
import { readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { claimOutputDir, OUTPUT_MARKER, resolveOutDir } from "./safe-output.ts";

const never = () => false;

describe("claimOutputDir", () => {
  it("refuses the root of the file system", async () => {
    await expect(claimOutputDir("/", "/", never)).rejects.toMatchObject({ code: "E_USAGE", message: "will not write into /: it is the root of the file system" });
  });

  it("claims a new folder (and its missing parents) with the marker", async () => {
    const base = await mkdtemp(join(tmpdir(), "devup-claim-"));
    try {
      await claimOutputDir(join(base, "a/b"), "a/b", never);
      expect(readdirSync(join(base, "a/b"))).toEqual([OUTPUT_MARKER]);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });

  it("resolves a relative --out against the project root, an absolute one as given", () => {
    expect(resolveOutDir("/work/shop", "k8s/local")).toBe("/work/shop/k8s/local");
    expect(resolveOutDir("/work/shop", "/tmp/out")).toBe("/tmp/out");
    expect(() => resolveOutDir("/work/shop", "../../dev.yaml")).toThrow("--out ../../dev.yaml leaves the project: a relative --out is taken from the project root (/work/shop)");
  });
});
