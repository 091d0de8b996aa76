import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateFiles, type ResolvedProject } from "@devup/project";
import { afterEach, describe, expect, it } from "vitest";
import { busyForwards, lockHolder, lockProject } from "./preflight.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function project(forward = 0): ResolvedProject {
  const r = validateFiles({ "dev.yaml": "name: shop\n", "services/api/service.yaml": `image: api:1\nports:\n  - port: 8080\n${forward ? `    forward: ${forward}\n` : ""}` });
  expect(r.errors).toEqual([]);
  const root = mkdtempSync(join(tmpdir(), "devup-preflight-"));
  dirs.push(root);
  return { ...r.value!, root };
}

describe("lockProject", () => {
  it("refuses a second dev up in the same project and environment while the first runs", () => {
    const p = project();
    const first = lockProject(p, "dev up");
    const sleeper = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      // The lock as another live process holds it.
      writeFileSync(join(p.root, ".devup/up-local.lock"), `${sleeper.pid}\ndev up\n`);
      expect(() => lockProject(p, "dev up")).toThrow(`another dev up (pid ${sleeper.pid}) is running for this project (environment local)`);
      // Another environment is another lock.
      lockProject({ ...p, environment: "staging" }, "dev up").release();
    } finally {
      sleeper.kill();
      first.release();
    }
  });

  it("tells dev status whether a dev up holds the lock (its forwards are alive only then)", () => {
    const p = project();
    expect(lockHolder(p)).toBeUndefined();
    const lock = lockProject(p, "dev up");
    expect(lockHolder(p)).toEqual({ pid: process.pid, command: "dev up" });
    lock.release();
    expect(lockHolder(p)).toBeUndefined();
    mkdirSync(join(p.root, ".devup"), { recursive: true });
    writeFileSync(join(p.root, ".devup/up-local.lock"), "999999999\ndev up\n");
    expect(lockHolder(p)).toBeUndefined(); // a stale lock: nothing forwards
  });

  it("takes over a lock whose process is gone, and releases its own", () => {
    const p = project();
    mkdirSync(join(p.root, ".devup"));
    writeFileSync(join(p.root, ".devup/up-local.lock"), "999999999\ndev up\n");
    const lock = lockProject(p, "dev apply");
    expect(readFileSync(join(p.root, ".devup/up-local.lock"), "utf8")).toBe(`${process.pid}\ndev apply\n`);
    lock.release();
    expect(existsSync(join(p.root, ".devup/up-local.lock"))).toBe(false);
  });

  it("keeps .devup out of git, never through a link planted at its .gitignore", () => {
    const p = project();
    lockProject(p, "dev up").release();
    expect(readFileSync(join(p.root, ".devup/.gitignore"), "utf8")).toMatch(/^\*$/m);
    const q = project();
    const victim = join(q.root, "victim");
    writeFileSync(victim, "keep\n");
    mkdirSync(join(q.root, ".devup"));
    symlinkSync(victim, join(q.root, ".devup/.gitignore"));
    lockProject(q, "dev up").release();
    expect(readFileSync(victim, "utf8")).toBe("keep\n");
  });

  it("never writes through a symlinked .devup", () => {
    const p = project();
    const elsewhere = mkdtempSync(join(tmpdir(), "devup-elsewhere-"));
    dirs.push(elsewhere);
    symlinkSync(elsewhere, join(p.root, ".devup"));
    expect(() => lockProject(p, "dev up")).toThrow(/is a symbolic link/);
    expect(existsSync(join(elsewhere, "up-local.lock"))).toBe(false);
  });
});

describe("busyForwards", () => {
  it("names the forwards whose port another process holds, and only those", async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      expect(await busyForwards(project(port))).toEqual([{ service: "api", port, specFile: "services/api/service.yaml" }]);
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
    expect(await busyForwards(project(port))).toEqual([]);
  });
});
