import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { extract } from "tar-stream";
import { afterAll, describe, expect, it } from "vitest";
import { syncArchive } from "./sync-tar.ts";

describe("syncArchive", () => {
  let dir = "";
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("holds the existing files under their container paths and lists the deleted ones", async () => {
    dir = await mkdtemp(join(tmpdir(), "devup-sync-"));
    await writeFile(join(dir, "a.js"), "console.log(1)\n", { mode: 0o755 });
    const { tar, deleted, copied } = await syncArchive([
      { local: join(dir, "a.js"), to: "/app/src/a.js" },
      { local: join(dir, "gone.js"), to: "/app/src/gone.js" },
    ]);
    expect(deleted).toEqual(["/app/src/gone.js"]);
    expect(copied).toBe(1);
    const entries: Array<{ name: string; mode: number | undefined; body: string }> = [];
    const ex = extract();
    ex.on("entry", (header, stream, next) => {
      const parts: Buffer[] = [];
      stream.on("data", (c) => parts.push(c as Buffer));
      stream.on("end", () => {
        entries.push({ name: header.name, mode: header.mode, body: Buffer.concat(parts).toString() });
        next();
      });
    });
    const done = new Promise<void>((r) => ex.on("finish", () => r()));
    Readable.from([tar]).pipe(ex);
    await done;
    expect(entries).toEqual([{ name: "app/src/a.js", mode: 0o755, body: "console.log(1)\n" }]);
  });

  it("sends a symlink as a symlink, never the file it points at (here outside the sync folder)", async () => {
    const base = await mkdtemp(join(tmpdir(), "devup-sync-link-"));
    try {
      await mkdir(join(base, "app"));
      await writeFile(join(base, "secret.env"), "PASSWORD=hunter2\n");
      await symlink(join(base, "secret.env"), join(base, "app/config.env"));
      const { tar, copied } = await syncArchive([{ local: join(base, "app/config.env"), to: "/srv/config.env", within: join(base, "app") }]);
      expect(copied).toBe(1);
      expect(tar.toString("latin1")).not.toContain("hunter2");
      const headers: Array<{ name: string; type: string | null | undefined; linkname: string | null | undefined }> = [];
      const ex = extract();
      ex.on("entry", (header, stream, next) => {
        headers.push({ name: header.name, type: header.type, linkname: header.linkname });
        stream.resume();
        stream.on("end", next);
      });
      const done = new Promise<void>((r) => ex.on("finish", () => r()));
      Readable.from([tar]).pipe(ex);
      await done;
      expect(headers).toEqual([{ name: "srv/config.env", type: "symlink", linkname: join(base, "secret.env") }]);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });

  it("refuses a file reached through a symlinked folder that leads out of the sync folder; one that stays inside goes", async () => {
    const base = await mkdtemp(join(tmpdir(), "devup-sync-dir-"));
    try {
      await mkdir(join(base, "outside"));
      await mkdir(join(base, "app/real"), { recursive: true });
      await writeFile(join(base, "outside/key.pem"), "PRIVATE\n");
      await writeFile(join(base, "app/real/a.js"), "ok\n");
      await symlink(join(base, "outside"), join(base, "app/out"));
      await symlink("real", join(base, "app/in"));
      const within = join(base, "app");
      await expect(syncArchive([{ local: join(base, "app/out/key.pem"), to: "/srv/out/key.pem", within }])).rejects.toThrow(/is not synced: a symlinked folder on its way leads out of the sync folder/);
      const ok = await syncArchive([{ local: join(base, "app/in/a.js"), to: "/srv/in/a.js", within }]);
      expect(ok.copied).toBe(1);
      expect(ok.tar.toString("latin1")).toContain("ok\n");
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});
