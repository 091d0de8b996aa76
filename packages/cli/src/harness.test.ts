import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findHarness } from "./harness.ts";

const dirs: string[] = [];
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), "devup-harness-"));
  dirs.push(dir);
  return dir;
}
function script(path: string): string {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, "#!/bin/sh\n");
  chmodSync(path, 0o755);
  return path;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("findHarness", () => {
  it("finds the harness shipped inside an installed package", () => {
    const pkg = join(temp(), "node_modules", "@devup", "cli");
    const ensure = script(join(pkg, "harness", "cluster", "ensure"));
    expect(findHarness({}, pkg)).toEqual({ path: ensure, source: "package" });
  });

  it("finds scripts/cluster/ensure beside the package in a checkout", () => {
    const root = temp();
    const ensure = script(join(root, "scripts", "cluster", "ensure"));
    mkdirSync(join(root, "packages", "cli"), { recursive: true });
    expect(findHarness({}, join(root, "packages", "cli"))).toEqual({ path: ensure, source: "checkout" });
  });

  it("prefers the shipped copy over a checkout's", () => {
    const root = temp();
    script(join(root, "scripts", "cluster", "ensure"));
    const shipped = script(join(root, "packages", "cli", "harness", "cluster", "ensure"));
    expect(findHarness({}, join(root, "packages", "cli"))?.path).toBe(shipped);
  });

  it("takes DEVUP_HARNESS as the script or its folder, before anything else", () => {
    const root = temp();
    script(join(root, "pkg", "harness", "cluster", "ensure"));
    const mine = script(join(root, "mine", "ensure"));
    expect(findHarness({ DEVUP_HARNESS: mine }, join(root, "pkg"))).toEqual({ path: mine, source: "DEVUP_HARNESS" });
    expect(findHarness({ DEVUP_HARNESS: join(root, "mine") }, join(root, "pkg"))).toEqual({ path: mine, source: "DEVUP_HARNESS" });
  });

  it("refuses a DEVUP_HARNESS that holds no ensure script, naming it", () => {
    const root = temp();
    expect(() => findHarness({ DEVUP_HARNESS: join(root, "nowhere") }, root)).toThrow(/DEVUP_HARNESS=.*nowhere is neither/);
  });

  it("finds nothing in an installed package without a harness (a laptop with Docker needs none)", () => {
    const pkg = join(temp(), "lib", "node_modules", "@devup", "cli");
    mkdirSync(pkg, { recursive: true });
    expect(findHarness({}, pkg)).toBeUndefined();
  });

  it("finds this checkout's harness by default", () => {
    expect(findHarness({})?.source).toBe("checkout");
  });
});
