import { chmod, mkdir, mkdtemp, rm, symlink, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashBuildInputs, listContextFiles } from "./context.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "devup-context-"));
  await mkdir(join(dir, "src"), { recursive: true });
  await mkdir(join(dir, "node_modules/pkg"), { recursive: true });
  await writeFile(join(dir, "Dockerfile"), "FROM node:24-slim\nCOPY src src\n");
  await writeFile(join(dir, "src/server.js"), "console.log(1)\n");
  await writeFile(join(dir, "src/notes.md"), "notes\n");
  await writeFile(join(dir, "node_modules/pkg/index.js"), "x\n");
  await writeFile(join(dir, "secret.env"), "A=1\n");
  await writeFile(join(dir, ".dockerignore"), "node_modules\n*.env\nsrc/*.md\n");
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const inputs = () => ({ context: dir, dockerfile: join(dir, "Dockerfile"), args: { A: "1" } });

describe("build context", () => {
  it("lists what Docker would send, .dockerignore applied", async () => {
    expect(await listContextFiles(dir, join(dir, "Dockerfile"))).toEqual([".dockerignore", "Dockerfile", "src/server.js"]);
  });

  it("honours ! exceptions inside ignored folders", async () => {
    await writeFile(join(dir, ".dockerignore"), "node_modules\n!node_modules/pkg/index.js\n");
    expect(await listContextFiles(dir)).toContain("node_modules/pkg/index.js");
  });

  it("hashes content, exec bits, args and target, and nothing ignored", async () => {
    const base = await hashBuildInputs(inputs());
    expect(base).toMatch(/^[0-9a-f]{16}$/);
    expect(await hashBuildInputs(inputs())).toBe(base);
    await writeFile(join(dir, "secret.env"), "A=2\n");
    await writeFile(join(dir, "node_modules/pkg/index.js"), "y\n");
    expect(await hashBuildInputs(inputs())).toBe(base);
    expect(await hashBuildInputs({ ...inputs(), args: { A: "2" } })).not.toBe(base);
    expect(await hashBuildInputs({ ...inputs(), target: "prod" })).not.toBe(base);
    await chmod(join(dir, "src/server.js"), 0o755);
    const executable = await hashBuildInputs(inputs());
    expect(executable).not.toBe(base);
    await writeFile(join(dir, "src/server.js"), "console.log(2)\n");
    expect(await hashBuildInputs(inputs())).not.toBe(executable);
  });

  it("follows no symlink out of the context: links are hashed as links, a symlinked .dockerignore is not read", async () => {
    const outside = await mkdtemp(join(tmpdir(), "devup-outside-"));
    try {
      await writeFile(join(outside, "ignore"), "src\n");
      await writeFile(join(outside, "passwd"), "root:x:0:0\n");
      await symlink(join(outside, "passwd"), join(dir, "passwd"));
      const before = await hashBuildInputs(inputs());
      await writeFile(join(outside, "passwd"), "root:x:0:0:changed\n");
      expect(await hashBuildInputs(inputs())).toBe(before);
      await unlink(join(dir, ".dockerignore"));
      await symlink(join(outside, "ignore"), join(dir, ".dockerignore"));
      expect(await listContextFiles(dir)).toContain("src/server.js");
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});
