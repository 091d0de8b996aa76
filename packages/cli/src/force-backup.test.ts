// `dev init --force` and `dev import compose --force` keep a copy of every file they replace, and say where.
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dev, fixturesDir, tempProjects } from "./testing.ts";

const { project, folder } = tempProjects();
/** The one backup folder under .devup/backup, relative to the project root. */
function backupDir(dir: string): string {
  const stamps = readdirSync(join(dir, ".devup/backup"));
  expect(stamps).toHaveLength(1);
  expect(stamps[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/);
  return `.devup/backup/${stamps[0]}`;
}

describe("--force keeps what it replaces", () => {
  it("import compose --force: the edited service.yaml and dev.yaml are in .devup/backup/<time>/, and the output says so", async () => {
    const dir = await project(join(fixturesDir, "compose-web-db-cache"));
    expect((await dev(["import", "compose"], dir)).code).toBe(0);
    writeFileSync(join(dir, "services/web/service.yaml"), "# my edits\nbuild: {}\n");
    writeFileSync(join(dir, "dev.yaml"), "# my dev.yaml\nname: mine\n");
    const r = await dev(["import", "compose", "--force"], dir);
    expect(r.code).toBe(0);
    const backup = backupDir(dir);
    expect(r.stderr).toContain(`kept a copy of the 4 files it replaces in ${backup}/\n`);
    expect(readFileSync(join(dir, backup, "services/web/service.yaml"), "utf8")).toBe("# my edits\nbuild: {}\n");
    expect(readFileSync(join(dir, backup, "dev.yaml"), "utf8")).toBe("# my dev.yaml\nname: mine\n");
    expect(readFileSync(join(dir, "services/web/service.yaml"), "utf8")).toContain("context: ../..");
    expect(readFileSync(join(dir, ".devup/.gitignore"), "utf8")).toMatch(/^\*$/m);
  });

  it("init --force: backs up the replaced dev.yaml, replaces a symlinked service.yaml instead of writing through it", async () => {
    const dir = await project();
    const outside = await folder();
    writeFileSync(join(outside, "victim.txt"), "precious\n");
    mkdirSync(join(dir, "api"));
    writeFileSync(join(dir, "api/Dockerfile"), "FROM node:24-slim\nEXPOSE 8080\n");
    writeFileSync(join(dir, "dev.yaml"), "name: old\n");
    mkdirSync(join(dir, "services/api"), { recursive: true });
    symlinkSync(join(outside, "victim.txt"), join(dir, "services/api/service.yaml"));
    const r = await dev(["init", "--force"], dir);
    expect(r.code).toBe(0);
    const backup = backupDir(dir);
    expect(r.stderr).toContain(`kept a copy of the 2 files it replaces in ${backup}/`);
    expect(readFileSync(join(dir, backup, "dev.yaml"), "utf8")).toBe("name: old\n");
    expect(readlinkSync(join(dir, backup, "services/api/service.yaml"))).toBe(join(outside, "victim.txt"));
    expect(readFileSync(join(outside, "victim.txt"), "utf8")).toBe("precious\n");
    expect(lstatSync(join(dir, "services/api/service.yaml")).isFile()).toBe(true);
  });

  it("without --force nothing is written and no backup is made", async () => {
    const dir = await project(join(fixturesDir, "compose-web-db-cache"));
    writeFileSync(join(dir, "dev.yaml"), "name: mine\n");
    const r = await dev(["import", "compose"], dir);
    expect(r.code).toBe(1);
    expect(readdirSync(dir)).not.toContain(".devup");
  });

  it("refuses to write through a symlinked services folder that leads out of the project", async () => {
    const dir = await project();
    const outside = await folder();
    mkdirSync(join(dir, "api"));
    writeFileSync(join(dir, "api/Dockerfile"), "FROM node:24-slim\nEXPOSE 8080\n");
    symlinkSync(outside, join(dir, "services"));
    const r = await dev(["init", "--force"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error[E_USAGE]: will not write services/api/service.yaml: a symlink on the way leads out of the project (to ${join(outside, "api")}); nothing was written`);
    expect(readdirSync(outside)).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(["api", "services"]);
  });
});
