// `dev render` writes only into a folder it owns, never through a symlink, secrets 0600, and says why it will not.
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, readdirSync, readFileSync, statSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dev, tempProjects } from "./testing.ts";

const { samples, folder: temp } = tempProjects();
const mode = (path: string) => statSync(path).mode & 0o777;

describe("dev render output", () => {
  it("replaces a symlink planted in its folder instead of writing through it", async () => {
    const dir = await samples();
    const victim = join(await temp(), "bashrc");
    writeFileSync(victim, "alias ls='ls -la'\n");
    expect((await dev(["render"], dir)).code).toBe(0);
    const planted = join(dir, "k8s/local/30-service-users.yaml");
    expect(existsSync(planted)).toBe(true);
    unlinkSync(planted);
    symlinkSync(victim, planted);
    const r = await dev(["render"], dir);
    expect(r.code).toBe(0);
    expect(readFileSync(victim, "utf8")).toBe("alias ls='ls -la'\n");
    expect(lstatSync(planted).isFile()).toBe(true);
    expect(readFileSync(planted, "utf8")).toContain("kind: Service");
  });

  it("does not open a FIFO planted in its folder (no hang): it is replaced", async () => {
    const dir = await samples();
    expect((await dev(["render"], dir)).code).toBe(0);
    const planted = join(dir, "k8s/local/30-service-users.yaml");
    unlinkSync(planted);
    execFileSync("mkfifo", [planted]);
    const r = await dev(["render"], dir);
    expect(r.code).toBe(0);
    expect(lstatSync(planted).isFile()).toBe(true);
  });

  it("writes Secret files 0600, redacted or not, and other files 0644", async () => {
    const dir = await samples();
    expect((await dev(["render"], dir)).code).toBe(0);
    expect(mode(join(dir, "k8s/local/20-secret-users-secrets.yaml"))).toBe(0o600);
    expect(mode(join(dir, "k8s/local/30-service-users.yaml"))).toBe(0o644);
    expect((await dev(["render", "--include-secrets", "--out", "with-secrets"], dir)).code).toBe(0);
    expect(mode(join(dir, "with-secrets/20-secret-users-secrets.yaml"))).toBe(0o600);
  });

  it("run from a service folder, writes under the project root, not into the build context", async () => {
    const dir = await samples();
    const r = await dev(["render", "--include-secrets"], join(dir, "services/users"));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^17 objects in \.\.\/\.\.\/k8s\/local /);
    expect(existsSync(join(dir, "services/users/k8s"))).toBe(false);
    expect(existsSync(join(dir, "k8s/local/20-secret-users-secrets.yaml"))).toBe(true);
    expect((await dev(["render", "--out", "out"], join(dir, "services/users"))).code).toBe(0);
    expect(existsSync(join(dir, "out/.devup-render"))).toBe(true);
    const above = await dev(["render", "--out", "../../up"], join(dir, "services/users"));
    expect(above.code).toBe(2);
    expect(above.stderr).toContain("error[E_USAGE]: --out ../../up leaves the project: a relative --out is taken from the project root");
  });

  it("refuses the home folder, a file, a symlinked folder and a folder it does not own, writing nothing", async () => {
    const dir = await samples();
    // `--out /` is checked on claimOutputDir itself (safe-output.test.ts): a broken check here would write into /.
    const home = await temp();
    const before = process.env.HOME;
    process.env.HOME = home;
    try {
      const r = await dev(["render", "--out", home], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("it is your home folder");
      // (devup's machine key may land in $HOME/.cache; no rendered file or marker may.)
      expect(readdirSync(home).filter((n) => n !== ".cache")).toEqual([]);
    } finally {
      process.env.HOME = before;
    }

    writeFileSync(join(dir, "a-file"), "x\n");
    const file = await dev(["render", "--out", "a-file"], dir);
    expect(file.code).toBe(2);
    expect(file.stderr).toContain("error[E_USAGE]: will not write into a-file: it is a file, not a folder");

    const elsewhere = await temp();
    symlinkSync(elsewhere, join(dir, "linked"));
    const linked = await dev(["render", "--out", "linked"], dir);
    expect(linked.code).toBe(2);
    expect(linked.stderr).toContain("it is a symlink (devup never writes through one)");
    expect(readdirSync(elsewhere)).toEqual([]);

    symlinkSync(elsewhere, join(dir, "k8s"));
    const parent = await dev(["render"], dir);
    expect(parent.code).toBe(2);
    expect(parent.stderr).toContain(`will not write into k8s/local: a symlink on the way leads out of the project (to ${join(elsewhere, "local")})`);
    expect(readdirSync(elsewhere)).toEqual([]);

    await mkdir(join(dir, "docs"));
    writeFileSync(join(dir, "docs/notes.yaml"), "mine: true\n");
    const foreign = await dev(["render", "--out", "docs"], dir);
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toContain("error[E_FILE_EXISTS]: will not write into docs: it holds files devup did not write\n  notes.yaml\n");
    expect(readdirSync(join(dir, "docs"))).toEqual(["notes.yaml"]);
  });

  it("an unwritable target is a clear error, not an internal one and no hang", async () => {
    const r = await dev(["render", "--out", "/proc/devup-x"], await samples());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[E_WRITE_FAILED\]: cannot write \/proc\/devup-x: /m);
  });

  it("accepts a folder an older devup rendered (no marker, only its files) and claims it", async () => {
    const dir = await samples();
    expect((await dev(["render"], dir)).code).toBe(0);
    unlinkSync(join(dir, "k8s/local/.devup-render"));
    const r = await dev(["render"], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("(0 written, 17 unchanged, 0 removed");
    expect(existsSync(join(dir, "k8s/local/.devup-render"))).toBe(true);
  });
});
