// Hostile files through the real CLI: a clear error naming the file and exit 3, never exit 70.
import { truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dev, tempProjects } from "./testing.ts";

const { project: folder } = tempProjects();

describe("hostile files", () => {
  it("dev validate names a UTF-16 dev.yaml and exits 3", async () => {
    const dir = await folder();
    writeFileSync(join(dir, "dev.yaml"), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("name: shop\n", "utf16le")]));
    const r = await dev(["validate"], dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("dev.yaml:1:1: error: the file is UTF-16 text; save it as UTF-8");
  });

  it("dev import compose refuses a 50 MB compose file without reading it, and writes nothing", async () => {
    const dir = await folder();
    writeFileSync(join(dir, "compose.yaml"), "");
    truncateSync(join(dir, "compose.yaml"), 50 * 1024 * 1024);
    const r = await dev(["import", "compose"], dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("compose.yaml:1:1: error: the file is 50.0 MiB; a spec or compose file may be at most 256 KiB");
  });

  it("dev import compose still reads a UTF-8 compose file with a byte order mark", async () => {
    const dir = await folder();
    writeFileSync(join(dir, "compose.yaml"), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("services:\n  web:\n    image: nginx\n")]));
    const r = await dev(["import", "compose"], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("imported 1 service (web)");
  });
});
