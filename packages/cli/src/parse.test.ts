import { DevupError } from "@devup/errors";
import { describe, expect, it } from "vitest";
import { commands, globalOptions, groups } from "./commands.ts";
import { parseCommandLine, wantsJson, type CommandLine } from "./parse.ts";

function command(argv: string[]): Extract<CommandLine, { kind: "command" }> {
  const line = parseCommandLine(argv);
  if (line.kind !== "command") throw new Error(`expected a command, got ${line.kind}`);
  return line;
}

function help(argv: string[]): string {
  const line = parseCommandLine(argv);
  if (line.kind !== "help") throw new Error(`expected help, got ${line.kind}`);
  return line.text;
}

/** The usage error the line is refused with (fails the test when it is accepted). */
function refused(argv: string[]): { message: string; hint: string | undefined; details: readonly string[] } {
  try {
    parseCommandLine(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(DevupError);
    const e = error as DevupError;
    expect(e.kind).toBe("usage");
    return { message: e.message, hint: e.hint, details: e.details };
  }
  throw new Error(`${argv.join(" ")} was accepted`);
}

describe("options anywhere on the line", () => {
  it("gives the same command and options whether they come before or after it", () => {
    const before = command(["--output", "json", "-C", "proj", "--env", "staging", "validate"]);
    const after = command(["validate", "--env=staging", "-C", "proj", "-o", "json"]);
    for (const line of [before, after]) {
      expect(line.command.name).toBe("validate");
      expect(line.options).toMatchObject({ output: "json", cwd: "proj", env: "staging" });
      expect(line.positionals).toEqual([]);
    }
  });

  it("takes an option's value as the value even when it spells a command", () => {
    const line = command(["-C", "validate", "render", "--out", "-"]);
    expect(line.command.name).toBe("render");
    expect(line.options).toMatchObject({ cwd: "validate", out: "-" });
  });

  it("matches the longest command and keeps the rest as its arguments", () => {
    const line = command(["--yes", "env", "clone", "staging", "preview"]);
    expect(line.command.name).toBe("env clone");
    expect(line.positionals).toEqual(["staging", "preview"]);
    expect(line.options.yes).toBe(true);
    expect(command(["logs", "--", "-odd-name"]).positionals).toEqual(["-odd-name"]);
  });

  it("accepts --help and --version anywhere", () => {
    expect(help(["--help", "validate"])).toContain("Usage: dev validate");
    expect(help(["help", "validate"])).toContain("Usage: dev validate");
    expect(help(["-h"])).toContain("Usage: dev <command>");
    expect(help([])).toContain("Usage: dev <command>");
    expect(parseCommandLine(["validate", "--version"]).kind).toBe("version");
    expect(parseCommandLine(["--output", "json", "-v"]).kind).toBe("version");
  });

  it("tells NDJSON mode from the whole line, even when the rest of it is wrong", () => {
    expect(wantsJson(["--output", "json", "valdiate"])).toBe(true);
    expect(wantsJson(["bogus", "-ojson"])).toBe(true);
    expect(wantsJson(["validate", "--output=json"])).toBe(true);
    expect(wantsJson(["validate", "--output", "text"])).toBe(false);
    expect(wantsJson(["logs", "--", "--output", "json"])).toBe(false);
  });
});

describe("command groups", () => {
  it("print their own help with --help, listing their commands", () => {
    for (const argv of [["env", "--help"], ["help", "env"], ["-h", "env"]]) {
      const text = help(argv);
      expect(text).toContain("Usage: dev env <command>");
      expect(text).toMatch(/^ {2}clone {4}add environment TO/m);
      expect(text).toMatch(/^ {2}promote {2}deploy the exact image/m);
    }
    expect(help(["import", "--help"])).toMatch(/^ {2}compose {2}turn a docker-compose.yml/m);
  });

  it("are a usage error without a command, listing the commands", () => {
    const e = refused(["env"]);
    expect(e.message).toBe("dev env needs a command");
    expect(e.details.map((d) => d.trim().split(" ")[0])).toEqual(["clone", "promote"]);
    expect(e.hint).toBe("run `dev env <command> --help` for a command's options");
    expect(refused(["import"]).details.map((d) => d.trim().split(" ")[0])).toEqual(["compose"]);
  });
});

describe("did you mean", () => {
  it("suggests the closest command, also inside a group", () => {
    expect(refused(["valdiate"])).toEqual({ message: 'unknown command "valdiate"; did you mean "validate"?', hint: "run `dev --help` for the list of commands", details: [] });
    expect(refused(["env", "clon", "a", "b"]).message).toBe('unknown command "env clon"; did you mean "env clone"?');
    expect(refused(["xyzzy"]).message).toBe('unknown command "xyzzy"');
  });

  it("suggests the closest option of the command, and names the command that has it", () => {
    expect(refused(["validate", "--outptu", "json"])).toMatchObject({ message: 'unknown option "--outptu"; did you mean "--output"?', hint: "run `dev validate --help` for its options" });
    expect(refused(["--outptu", "json", "validate"]).message).toBe('unknown option "--outptu"; did you mean "--output"?');
    expect(refused(["render", "--outt", "x"]).message).toBe('unknown option "--outt"; did you mean "--out"?');
    expect(refused(["validate", "--force"]).hint).toBe("--force is an option of `dev eject` and `dev import compose` and `dev init`; run `dev validate --help` for its options");
  });

  it("refuses unknown options in devup's words, not Node's", () => {
    expect(refused(["--bogus"])).toEqual({ message: 'unknown option "--bogus"', hint: "run `dev --help` for the options and commands", details: [] });
    expect(refused(["validate", "-x"]).message).toBe('unknown option "-x"');
    expect(refused(["validate", "--constructor"]).message).toBe('unknown option "--constructor"');
  });
});

describe("arguments and values", () => {
  it("refuses an unexpected argument by name", () => {
    expect(refused(["validate", "extra"])).toMatchObject({ message: 'unexpected argument "extra": dev validate takes no arguments', hint: "usage: dev validate [--env NAME] [--cluster]" });
    expect(refused(["logs", "users", "orders"]).message).toBe('unexpected argument "orders"');
    expect(refused(["env", "promote", "a", "b", "c"]).message).toBe('unexpected argument "c"');
    expect(command(["logs", "users"]).positionals).toEqual(["users"]);
    expect(command(["logs"]).positionals).toEqual([]);
  });

  it("takes any number of words for a last argument marked with ... (compose files in merge order)", () => {
    expect(command(["import", "compose", "compose.yaml", "compose.prod.yaml", "extra.yaml"]).positionals).toEqual(["compose.yaml", "compose.prod.yaml", "extra.yaml"]);
    expect(command(["import", "compose"]).positionals).toEqual([]);
  });

  it("names a missing argument", () => {
    expect(refused(["rollback"]).message).toBe("dev rollback needs SERVICE");
    expect(refused(["env", "clone", "staging"])).toMatchObject({ message: "dev env clone needs TO", hint: expect.stringContaining("usage: dev env clone FROM TO") as unknown });
  });

  it("refuses a missing value, an option given as a value, and a value on a switch", () => {
    expect(refused(["validate", "--env"]).message).toBe("--env needs a value (NAME)");
    expect(refused(["validate", "--env", "--force"])).toMatchObject({ message: '--env needs a value (NAME), not the option "--force"', hint: "write --env=--force if that is the value" });
    expect(command(["logs", "--tail=-5"]).options.tail).toBe("-5");
    expect(refused(["init", "--force=yes"]).message).toBe('--force takes no value, not "yes"');
    expect(refused(["validate", "--output", "jsn"]).message).toBe('--output must be text or json, not "jsn"');
  });
});

describe("the command table", () => {
  it("gives each option name and short letter one meaning across commands (the command is found before it is known)", () => {
    const types = new Map<string, string>();
    for (const table of [globalOptions, ...commands.map((c) => c.options)]) {
      for (const [name, o] of Object.entries(table)) {
        for (const key of [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]) {
          expect(types.get(key) ?? o.type, key).toBe(o.type);
          types.set(key, o.type);
        }
      }
    }
  });

  it("has a group summary for every multi-word command and names every argument in its usage", () => {
    for (const c of commands) {
      const [first] = c.name.split(" ");
      if (c.name.includes(" ")) expect(Object.keys(groups)).toContain(first);
      for (const arg of c.args ?? []) expect(c.usage).toContain(arg.endsWith("?") ? `[${arg.slice(0, -1)}]` : ` ${arg}`);
    }
  });
});
