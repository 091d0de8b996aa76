/** The `dev` command line end to end (in-process): groups, options anywhere, suggestions, usage errors. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dev, fixturesDir } from "./testing.ts";

const invalid = join(fixturesDir, "invalid-unknown-key");
const cycle = join(fixturesDir, "invalid-dependency-cycle");
const events = (stdout: string) => stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);

describe("dev command groups", () => {
  it("dev env and dev import alone are usage errors listing their commands", async () => {
    const env = await dev(["env"], invalid);
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/^error\[E_USAGE\]: dev env needs a command\n {4}clone {4}add environment TO.*\n {4}promote {2}deploy the exact.*\nhint: run `dev env <command> --help` for a command's options\n$/);
    expect(env.stdout).toBe("");
    const imp = await dev(["import"], invalid);
    expect(imp.code).toBe(2);
    expect(imp.stderr).toMatch(/^error\[E_USAGE\]: dev import needs a command\n {4}compose {2}turn a docker-compose.yml/);
  });

  it("dev env --help prints the group's help and exits 0", async () => {
    const r = await dev(["env", "--help"], invalid);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: dev env <command> [options]");
    expect(r.stdout).toMatch(/^ {2}clone {4}.*\n {2}promote {2}/m);
    expect(r.stderr).toBe("");
  });
});

describe("options before the command", () => {
  it("dev --output json validate speaks NDJSON", async () => {
    const r = await dev(["--output", "json", "validate"], cycle);
    expect(r.code).toBe(3);
    expect(events(r.stdout).map((e) => e.type)).toEqual(["diagnostic", "error"]);
    expect(r.stderr).toBe("");
  });

  it("dev -C DIR validate checks the project in DIR", async () => {
    const r = await dev(["-C", invalid, "validate"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('dev.yaml:2:1: error: clustr: unknown key "clustr"; did you mean "cluster"?');
  });
});

describe("usage errors", () => {
  it("suggest the command meant: dev valdiate", async () => {
    const r = await dev(["valdiate"], invalid);
    expect(r).toEqual({ code: 2, stdout: "", stderr: 'error[E_USAGE]: unknown command "valdiate"; did you mean "validate"?\nhint: run `dev --help` for the list of commands\n' });
  });

  it("suggest the option meant: dev validate --outptu json", async () => {
    const r = await dev(["validate", "--outptu", "json"], invalid);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error[E_USAGE]: unknown option "--outptu"; did you mean "--output"?\nhint: run `dev validate --help` for its options\n');
  });

  it("name an unexpected argument: dev validate extra", async () => {
    const r = await dev(["validate", "extra"], invalid);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error[E_USAGE]: unexpected argument "extra": dev validate takes no arguments\nhint: usage: dev validate [--env NAME] [--cluster]\n');
  });

  it("are devup's words for an unknown option, not Node's: dev --bogus", async () => {
    for (const args of [["--bogus"], ["validate", "--bogus"]]) {
      const r = await dev(args, invalid);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error\[E_USAGE\]: unknown option "--bogus"\nhint: run `dev (validate )?--help` for /);
      expect(r.stderr).not.toMatch(/Unknown option|ERR_PARSE_ARGS|To specify a positional argument/);
    }
  });

  it("are NDJSON error events with --output json, wherever it is on the line", async () => {
    for (const args of [["--output", "json", "valdiate"], ["env", "-o", "json"]]) {
      const r = await dev(args, invalid);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe("");
      const [event, ...more] = events(r.stdout);
      expect(more).toEqual([]);
      expect(event).toMatchObject({ type: "error", code: "E_USAGE", exitCode: 2 });
      expect(event?.hint).toEqual(expect.stringContaining("dev "));
    }
  });
});
