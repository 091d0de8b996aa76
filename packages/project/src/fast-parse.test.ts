// The fast path (js-yaml, no positions) must read every file it takes exactly as yaml does: on the
// YAML files of this repository, and on generated documents of scalars the two could read apart.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { inspect, isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { fastValue } from "./fast-parse.ts";
import { locate, MAX_NESTING, parseYaml } from "./source.ts";

const repo = fileURLToPath(new URL("../../../", import.meta.url));

/** What yaml reads, as validation's slow path does; undefined when yaml reports an error. */
function yamlValue(text: string): { value: unknown } | undefined {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, merge: true });
  if (doc.errors.length) return undefined;
  try {
    return { value: doc.toJS({ maxAliasCount: 10_000 }) };
  } catch {
    return undefined;
  }
}

function expectSameReading(text: string): boolean {
  const fast = fastValue(text, MAX_NESTING);
  if (fast === undefined) return false;
  const slow = yamlValue(text);
  expect(slow, `yaml refuses what the fast path took:\n${text}`).toBeDefined();
  // node's deep equality (prototypes, NaN, -0), not vitest's: a `constructor` key would fool that one.
  expect(isDeepStrictEqual(fast.value, slow!.value), `read apart:\n${text}\nfast: ${inspect(fast.value)}\nyaml: ${inspect(slow!.value)}`).toBe(true);
  return true;
}

describe("the fast YAML path", () => {
  it("reads every YAML file of the repository as yaml does, or declines it", () => {
    const files = execFileSync("git", ["ls-files", "-z", "*.yaml", "*.yml"], { cwd: repo, encoding: "utf8" }).split("\0").filter(Boolean);
    expect(files.length).toBeGreaterThan(50);
    const taken = files.filter((f) => expectSameReading(readFileSync(join(repo, f), "utf8")));
    // The spec files of the samples are what every command reads: they must take the fast path.
    expect(taken).toEqual(expect.arrayContaining(["dev.yaml", "services/users/service.yaml", "services/accounts/service.yaml", "services/website/service.yaml"]));
  });

  it("reads generated documents of look-alike scalars as yaml does", { timeout: 60_000 }, () => {
    const scalars = [
      "~", "null", "Null", "NULL", "", "true", "True", "TRUE", "false", "yes", "no", "on", "off", "y", "n",
      "0", "-0", "+1", "012", "0o17", "0O17", "0x1F", "0X1f", "0b101", "1_000", "1e3", "1E3", "-1.5e-3", "1.", ".5", "1.10", "+.inf", "-.Inf", ".NaN", ".nan",
      "2001-12-14", "2001-12-14T21:59:43.10-05:00", "12:30:00", "1:20", "0:0:1", "=", "<<", "__proto__", "constructor", "a: b", ": x", "? x", "'q'", '"d"', "- x", "#c", "x #c", "{}", "[]", "[a, b]", "{a: 1}", "!!str 1", "!!int 1", "!!float 1", "!!binary aGk=", "!x 1", "&a 1", "*a", "|", ">-", "'", '"', "\t1", "9007199254740993",
    ];
    const scalar = fc.constantFrom(...scalars);
    const key = fc.oneof(scalar, fc.stringMatching(/^[a-z][a-z0-9_.-]{0,8}$/));
    const entry = fc.tuple(key, scalar).map(([k, v]) => `${k}: ${v}`);
    const nested = fc.tuple(key, fc.array(entry, { minLength: 1, maxLength: 4 })).map(([k, es]) => `${k}:\n${es.map((e) => `  ${e}`).join("\n")}`);
    const list = fc.tuple(key, fc.array(scalar, { minLength: 1, maxLength: 4 })).map(([k, vs]) => `${k}:\n${vs.map((v) => `  - ${v}`).join("\n")}`);
    const flow = fc.tuple(key, fc.array(scalar, { maxLength: 4 })).map(([k, vs]) => `${k}: [${vs.join(", ")}]`);
    const doc = fc.array(fc.oneof(entry, nested, list, flow), { minLength: 1, maxLength: 6 }).map((lines) => `${lines.join("\n")}\n`);
    let taken = 0;
    const numRuns = Number(process.env.DEVUP_FUZZ_RUNS ?? 400);
    fc.assert(
      fc.property(doc, (text) => {
        if (expectSameReading(text)) taken++;
      }),
      // A longer run by hand: DEVUP_FUZZ_RUNS=100000 DEVUP_FUZZ_SEED=$RANDOM pnpm exec vitest run --project unit packages/project/src/fast-parse.test.ts
      { numRuns, seed: Number(process.env.DEVUP_FUZZ_SEED ?? 20_261_129) },
    );
    // Enough documents took the fast path for the comparison to mean something.
    expect(taken).toBeGreaterThan(numRuns / 10);
  });

  it("takes no text that yaml reads another way: random text of YAML's punctuation", { timeout: 60_000 }, () => {
    const char = fc.constantFrom(..."ab1.0x: -?[]{},#&*!|>'\"%@`~\n\n  \t\\");
    const junk = fc.array(char, { maxLength: 40 }).map((cs) => cs.join(""));
    // Mostly a mapping with junk in it: the fast path takes nothing else.
    const text = fc.oneof(junk, fc.tuple(junk, junk).map(([a, b]) => `a: ${a}\nb:\n  ${b}\n`));
    fc.assert(
      fc.property(text, (text) => {
        expectSameReading(text);
      }),
      { numRuns: Number(process.env.DEVUP_FUZZ_RUNS ?? 400), seed: Number(process.env.DEVUP_FUZZ_SEED ?? 20_261_129) },
    );
  });

  it("declines what only yaml may judge: duplicate keys, aliases, directives, syntax errors", () => {
    for (const text of ["a: 1\na: 2\n", "base: &b {x: 1}\nuse: *b\n", "%YAML 1.1\n---\na: yes\n", "a: [1, 2\n", "a:\n\t- 1\n", "", "- a\n", "a: 1\n...\nb: 2\n", "a: !!str 1\n", "<<: {a: 1}\n"]) {
      expect(fastValue(text, MAX_NESTING), JSON.stringify(text)).toBeUndefined();
    }
    expect(fastValue("---\na: 1\nb: [x, 2]\n", MAX_NESTING)).toEqual({ value: { a: 1, b: ["x", 2] } });
  });

  it("finds positions of a fast-read file when a problem needs them", () => {
    const { parsed, errors } = parseYaml({ path: "services/api/service.yaml", text: "image: x\nenv:\n  PORT: 0x1F\n" });
    expect(errors).toEqual([]);
    expect(parsed?.value).toEqual({ image: "x", env: { PORT: 31 } });
    expect(locate(parsed!, ["env", "PORT"], { key: true })).toEqual({ line: 3, column: 3 });
    expect(locate(parsed!, ["env", "PORT"])).toEqual({ line: 3, column: 9 });
  });
});
