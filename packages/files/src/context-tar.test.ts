import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buffer } from "node:stream/consumers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { packFiles, parentDirs } from "./context-tar.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "devup-tar-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("context tar", () => {
  it("packs exactly the listed files, parents, symlinks, long names and extras; GNU tar reads it back", async () => {
    const long = `${"deep/".repeat(30)}file-with-a-long-name.txt`;
    await mkdir(join(dir, "src"), { recursive: true });
    await mkdir(join(dir, long, ".."), { recursive: true });
    await writeFile(join(dir, "src/app.js"), "console.log(1)\n");
    await writeFile(join(dir, "src/skip.js"), "not listed\n");
    await writeFile(join(dir, "run.sh"), "#!/bin/sh\n", { mode: 0o755 });
    await writeFile(join(dir, long), Buffer.alloc(70_000, 7));
    await symlink("src/app.js", join(dir, "link"));

    const tar = await buffer(packFiles(dir, ["link", long, "run.sh", "src/app.js"], [{ name: "extra/Dockerfile", content: Buffer.from("FROM x\n") }]));
    expect(tar.length % 512).toBe(0);
    const out = join(dir, "out");
    await mkdir(out);
    execFileSync("tar", ["-xf", "-", "-C", out], { input: tar });
    const listing = execFileSync("tar", ["-tvf", "-"], { input: tar, encoding: "utf8" });
    expect(listing).not.toContain("skip.js");
    expect(listing).toMatch(/^-rwxr-xr-x root\/root .* run\.sh$/m);
    expect(listing).toMatch(/^lrwxrwxrwx root\/root .* link -> src\/app\.js$/m);
    expect(await readFile(join(out, "src/app.js"), "utf8")).toBe("console.log(1)\n");
    expect((await readFile(join(out, long))).equals(Buffer.alloc(70_000, 7))).toBe(true);
    expect(await readFile(join(out, "extra/Dockerfile"), "utf8")).toBe("FROM x\n");
  });

  it("lists parent folders before their children", () => {
    expect(parentDirs(["a/b/c.txt", "a/d.txt", "e.txt"])).toEqual(["a", "a/b"]);
  });
});
