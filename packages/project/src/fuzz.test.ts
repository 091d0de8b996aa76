// Property tests: whatever a spec or compose file holds (random text, the sample project and the
// fixtures mutated, random documents made of spec keys), validation and compose import return
// diagnostics and never throw (an exception is exit 70 in the CLI).
// CI runs a bounded count with a fixed seed; a longer run by hand:
//   DEVUP_FUZZ_RUNS=100000 DEVUP_FUZZ_SEED=$RANDOM pnpm exec vitest run --project unit packages/project/src/fuzz.test.ts
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { importCompose } from "./compose/convert.ts";
import { formatDiagnostic, type Diagnostic, type ValidationResult } from "./diagnostics.ts";
import { memoryFs } from "./fs.ts";
import { validateFiles, validateProject } from "./validate.ts";

const RUNS = Number(process.env.DEVUP_FUZZ_RUNS ?? 150);
const SEED = Number(process.env.DEVUP_FUZZ_SEED ?? 20_251_129);
const settings = { numRuns: RUNS, seed: SEED, endOnFailure: true };
const timeout = 20_000 + RUNS * 40;

const repo = fileURLToPath(new URL("../../../", import.meta.url));

/** Text files under `dir`, keyed by path relative to `base`. */
function textFiles(dir: string, base: string, out: Record<string, string> = {}): Record<string, string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) textFiles(path, base, out);
    else out[relative(base, path)] = readFileSync(path, "utf8");
  }
  return out;
}

/** The sample project (dev.yaml and services/) and every spec fixture, as file maps for validateFiles. */
const projects: Array<Record<string, string>> = [
  { "dev.yaml": readFileSync(join(repo, "dev.yaml"), "utf8"), ...textFiles(join(repo, "services"), repo) },
  ...readdirSync(join(repo, "test/fixtures"))
    .filter((f) => !f.startsWith("compose"))
    .map((f) => textFiles(join(repo, "test/fixtures", f), join(repo, "test/fixtures", f)))
    .filter((files) => "dev.yaml" in files),
];
/** The compose fixtures and the compose corpus (test/fixtures/compose/<project>/). */
const composeDirs = [
  ...readdirSync(join(repo, "test/fixtures")).filter((f) => f.startsWith("compose-")),
  ...readdirSync(join(repo, "test/fixtures/compose")).map((f) => `compose/${f}`),
];
const composeFiles = composeDirs.flatMap((f) =>
  readdirSync(join(repo, "test/fixtures", f))
    .filter((n) => /^(docker-)?compose\.ya?ml$/.test(n))
    .map((n) => ({ dir: f, text: readFileSync(join(repo, "test/fixtures", f, n), "utf8") })),
);

/** Tokens that have tripped YAML readers and validators: type traps, tags, anchors, prototype keys, control characters. */
const TOKENS = [
  "", "-1", "0", "2147483648", "9007199254740993", "1e999", "-.inf", ".nan", "~", "null", "true", "yes", "012", "0x10", "0o7", "1.10",
  "*a", "&a x", "<<: *a", "<<: [*a, *a]", "&a [*a]", "[", "]", "{", "}", "{a: 1}", "[1, 2]", '"', "'", "!!binary aGVsbG8=", "!!str 1",
  "!!int x", "!!map {}", "!!set {a}", "!!omap [a: 1]", "!!js/function 'f'", "!custom x", "? complex", "- item", "|\n  block", ">-\n  folded",
  "\t", "\0", "\uFEFF", "\r", "\u2028", "é", "😀", "a".repeat(300), "../../../etc/passwd", "/etc/passwd", "__proto__", "constructor",
  "toString", "%YAML 1.1\n---", "---\n", "...", "#", "@", "`", "\\", "x: y: z", "name", "image", "ports", "env", "config", "secrets",
  "{ config: X }", "{ secret: X }", "{ port: 80, forward: 8000 }", "services", "environments", "resources", "1Gi", "-1Mi", "0.0001m",
];

type Op =
  | { kind: "insert"; at: number; text: string }
  | { kind: "delete"; at: number; length: number }
  | { kind: "duplicateLine" | "dropLine"; line: number }
  | { kind: "indent"; line: number; by: number }
  | { kind: "replaceValue"; line: number; text: string };

const text = fc.oneof(fc.constantFrom(...TOKENS), fc.string({ unit: "binary", maxLength: 12 }), fc.string({ maxLength: 12 }));
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), text }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constantFrom("duplicateLine" as const, "dropLine" as const), line: fc.nat() }),
  fc.record({ kind: fc.constant("indent" as const), line: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ kind: fc.constant("replaceValue" as const), line: fc.nat(), text }),
);

function mutate(source: string, ops: readonly Op[]): string {
  let out = source;
  for (const o of ops) {
    const lines = out.split("\n");
    switch (o.kind) {
      case "insert": {
        const at = o.at % (out.length + 1);
        out = out.slice(0, at) + o.text + out.slice(at);
        break;
      }
      case "delete": {
        const at = o.at % (out.length + 1);
        out = out.slice(0, at) + out.slice(at + o.length);
        break;
      }
      case "duplicateLine":
      case "dropLine": {
        const i = o.line % lines.length;
        lines.splice(i, 1, ...(o.kind === "duplicateLine" ? [lines[i]!, lines[i]!] : []));
        out = lines.join("\n");
        break;
      }
      case "indent": {
        const i = o.line % lines.length;
        lines[i] = o.by >= 0 ? " ".repeat(o.by) + lines[i]! : lines[i]!.replace(new RegExp(`^ {0,${-o.by}}`), "");
        out = lines.join("\n");
        break;
      }
      case "replaceValue": {
        const i = o.line % lines.length;
        lines[i] = lines[i]!.replace(/:(\s+).*$/, `:$1${o.text}`);
        out = lines.join("\n");
        break;
      }
    }
  }
  return out;
}

/** Random documents made of the spec's own keys, so the schema and the resolution are reached. */
const KEYS = [
  "name", "image", "build", "context", "dockerfile", "args", "target", "ports", "port", "forward", "protocol", "env", "config", "values",
  "files", "mountPath", "secrets", "envFile", "example", "asEnv", "replicas", "rollout", "maxSurge", "maxUnavailable", "resources",
  "requests", "limits", "cpu", "memory", "health", "http", "tcp", "command", "path", "startupGrace", "period", "timeout", "liveness",
  "dependsOn", "ingress", "host", "labels", "annotations", "metrics", "sync", "from", "to", "then", "run", "test", "users", "web",
  "cluster", "provider", "workers", "httpPort", "className", "defaults", "environments", "local", "staging", "namespace", "services",
  "servicesDir", "API_URL", "X", "2FA", "a/b", "config.json",
];
const scalar = fc.oneof(fc.constantFrom(...TOKENS), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 8 }));
const { doc } = fc.letrec<{ doc: unknown }>((tie) => ({
  doc: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("doc"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 })), tie("doc"), { maxKeys: 5 }),
  ),
}));

/** What every result must satisfy: diagnostics point into a given file, value iff no errors. */
function checkResult(result: ValidationResult<unknown>, files: readonly string[]): void {
  const all: Diagnostic[] = [...result.errors, ...result.warnings];
  for (const d of all) {
    expect(files).toContain(d.file);
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(d.message.length).toBeGreaterThan(0);
    expect(typeof formatDiagnostic(d)).toBe("string");
  }
  expect(result.value === undefined).toBe(result.errors.length > 0);
}

function specFiles(files: Record<string, string>): string[] {
  return Object.keys(files).filter((f) => f === "dev.yaml" || f.endsWith("service.yaml"));
}

describe(`fuzz (${RUNS} runs per property, seed ${SEED})`, () => {
  it("validation survives mutations of the sample project and the fixtures", { timeout }, () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.array(op, { minLength: 1, maxLength: 6 }), fc.constantFrom("local", "staging", "nope"), (p, f, ops, environment) => {
        const files = { ...projects[p % projects.length]! };
        const specs = specFiles(files);
        const target = specs[f % specs.length]!;
        files[target] = mutate(files[target]!, ops);
        checkResult(validateFiles(files, { environment }), specs);
      }),
      settings,
    );
  });

  it("validation survives random text as dev.yaml and as a service file", { timeout }, () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 200 }), fc.string({ maxLength: 200 })), fc.string({ unit: "binary", maxLength: 200 }), (dev, service) => {
        const files = { "dev.yaml": dev, "services/web/service.yaml": service };
        checkResult(validateFiles(files), Object.keys(files));
      }),
      settings,
    );
  });

  it("validation survives random documents built from spec keys", { timeout }, () => {
    fc.assert(
      fc.property(doc, doc, (dev, service) => {
        const files = { "dev.yaml": stringify({ name: "shop", ...(typeof dev === "object" && dev ? dev : { x: dev }) }), "services/web/service.yaml": stringify(service) };
        checkResult(validateFiles(files, { environment: "staging" }), Object.keys(files));
      }),
      settings,
    );
  });

  it("compose import survives mutated compose files and random text; what it generates validates without throwing", { timeout }, () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(op, { minLength: 0, maxLength: 6 }), fc.option(fc.string({ unit: "binary", maxLength: 200 }), { freq: 5 }), (c, ops, random) => {
        const source = composeFiles[c % composeFiles.length]!;
        const text = random ?? mutate(source.text, ops);
        // Diagnostics name compose.yaml or a file it refers to (include, extends, env_file): one the importer asked for.
        const asked = new Set(["compose.yaml"]);
        const readFile = (p: string) => (asked.add(p), p === "compose.yaml" ? text : undefined);
        const { value, errors } = importCompose({ files: ["compose.yaml"], readFile, env: {} }, "fuzz");
        for (const d of [...errors, ...(value?.notes ?? [])]) expect(asked).toContain(d.file);
        if (!value) return;
        const files = Object.fromEntries(value.files.map((g) => [g.path, g.content]));
        const result = validateProject(
          { root: "/p", devFile: { path: "dev.yaml", text: files["dev.yaml"] ?? "" }, serviceFiles: value.files.filter((g) => g.path !== "dev.yaml").map((g) => ({ path: g.path, text: g.content })) },
          memoryFs(files),
        );
        checkResult(result, specFiles(files));
      }),
      settings,
    );
  });
});
