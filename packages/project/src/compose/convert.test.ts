// Compose import over fixture stacks: the generated spec is valid, matches its golden copy, and the
// report names (with lines) what was not carried over.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../diagnostics.ts";
import type { ProjectFs } from "../fs.ts";
import { nodeProjectFs } from "../load.ts";
import { validateProject } from "../validate.ts";
import { importCompose } from "./convert.ts";

const fixtures = fileURLToPath(new URL("../../../../test/fixtures/", import.meta.url));
const golden = fileURLToPath(new URL("../../../../test/golden/compose/", import.meta.url));

function convert(fixture: string, file: string) {
  const fs = nodeProjectFs(fixtures + fixture);
  const readFile = (p: string) => {
    const r = fs.readFile(p);
    return typeof r === "string" ? r : undefined;
  };
  return importCompose({ files: [file], readFile, env: {} }, fixture);
}

function checkGolden(fixture: string, text: string): void {
  const path = `${golden}${fixture}.txt`;
  if (process.env.UPDATE_GOLDEN) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  expect(text).toBe(readFileSync(path, "utf8"));
}

const stacks: Array<[string, string, string[]]> = [
  ["compose-web-db-cache", "docker-compose.yml", ["web", "db", "cache"]],
  ["compose-build-args", "compose.yaml", ["api", "worker"]],
  ["compose-healthchecks", "docker-compose.yaml", ["api", "queue", "legacy", "batch", "migrate"]],
  ["compose-env-files", "docker-compose.yml", ["app"]],
];

describe("dev import compose", () => {
  for (const [fixture, file, services] of stacks) {
    it(`converts ${fixture} into a valid spec`, () => {
      const { value, errors } = convert(fixture, file);
      expect(errors).toEqual([]);
      expect(value!.services).toEqual(services);
      // The generated files, validated as the project they become (beside the fixture's real files).
      const real = nodeProjectFs(fixtures + fixture);
      const generated = new Map(value!.files.map((f) => [f.path, f.content]));
      const fs: ProjectFs = { ...real, readFile: (p) => generated.get(p) ?? real.readFile(p), exists: (p) => generated.has(p) || real.exists(p) };
      const result = validateProject(
        { root: fixtures + fixture, devFile: { path: "dev.yaml", text: generated.get("dev.yaml")! }, serviceFiles: value!.files.filter((f) => f.path !== "dev.yaml").map((f) => ({ path: f.path, text: f.content })) },
        fs,
      );
      expect(result.errors.map(formatDiagnostic)).toEqual([]);
      const report = value!.files.map((f) => `=== ${f.path}\n${f.content}`).join("") + `=== not carried over\n${value!.notes.map(formatDiagnostic).join("\n")}\n`;
      checkGolden(fixture, report);
    });
  }

  it("reports where a compose file breaks the compose-spec schema", () => {
    const { value, errors } = convert("compose-invalid", "docker-compose.yml");
    expect(value).toBeUndefined();
    expect(errors.map(formatDiagnostic)).toEqual([
      'docker-compose.yml:4:5: error: services.web.imagee: "imagee" is not a compose key here',
      'docker-compose.yml:6:9: error: services.web.ports[0]["8080"]: "8080" is not a compose key here',
      "docker-compose.yml:6:9: error: services.web.ports[0]: must be a number or a string",
      "docker-compose.yml:9:7: error: services.db.build: must be a string",
      'docker-compose.yml:10:7: error: services.db.build.dockerfil: "dockerfil" is not a compose key here',
    ]);
  });
});

describe("ports from a local image's EXPOSE lines", () => {
  const compose = "services:\n  web:\n    image: acme/web:1\n    environment:\n      API_URL: http://api:7000\n  api:\n    image: acme/api:2\n";
  const sources = { files: ["compose.yaml"], readFile: (p: string) => (p === "compose.yaml" ? compose : undefined), env: {} };
  const apiSpec = (value: { files: Array<{ path: string; content: string }> }) => value.files.find((f) => f.path === "services/api/service.yaml")!.content;

  it("names the images a Docker engine could tell about, and says the port is unknown meanwhile", () => {
    const { value } = importCompose(sources, "shop");
    expect(value!.imagesToInspect).toEqual(["acme/api:2"]); // web is reached by nobody
    expect(apiSpec(value!)).not.toMatch(/ports:/);
    expect(value!.notes.map((n) => n.message).join("\n")).toMatch(/no port known: other services reach api by name/);
  });

  it("takes the ports the caller read from the image", () => {
    const { value } = importCompose({ ...sources, imagePorts: new Map([["acme/api:2", [{ port: 7000, protocol: "TCP" as const }]]]) }, "shop");
    expect(apiSpec(value!)).toMatch(/ports:\n\s+- (name: \S+\n\s+)?port: 7000/);
    expect(value!.notes.map((n) => n.message).join("\n")).toMatch(/ports 7000 added from the EXPOSE lines of the local image acme\/api:2/);
  });
});
