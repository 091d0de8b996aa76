import { mkdtemp, rm, writeFile } from "node:fs/promises";
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
});
