import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { memoryFs, validateProject } from "@devup/project";
import { afterAll, describe, expect, it } from "vitest";
import { watchFilter } from "./watch-files.ts";

describe("watchFilter", () => {
  const files: Record<string, string> = {
    "dev.yaml": "name: shop\n",
    "services/api/service.yaml": "build: {}\nports:\n  - port: 8080\n",
    "services/api/Dockerfile": "FROM x\n",
  };
  const root = mkdtempSync(join(tmpdir(), "devup-watch-filter-"));
  mkdirSync(join(root, "services/api"), { recursive: true });
  writeFileSync(join(root, "services/api/.dockerignore"), "*.log\ndist\n");
  writeFileSync(join(root, ".gitignore"), "coverage/\n*.secret.json\n");
  writeFileSync(join(root, "services/api/.gitignore"), "/generated\ncache/\n");
  const r = validateProject({ root, devFile: { path: "dev.yaml", text: files["dev.yaml"]! }, serviceFiles: [{ path: "services/api/service.yaml", text: files["services/api/service.yaml"]! }] }, memoryFs(files));
  const accept = watchFilter(r.value!);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("keeps build inputs and spec files", () => {
    expect(accept("services/api/src/a.js", false)).toBe(true);
    expect(accept("services/api/Dockerfile", false)).toBe(true);
    expect(accept("dev.yaml", false)).toBe(true);
    expect(accept("services/new/service.yaml", false)).toBe(true);
  });

  it("drops what the context's .dockerignore excludes (the build would not see it)", () => {
    expect(accept("services/api/debug.log", false)).toBe(false);
    expect(accept("services/api/dist", true)).toBe(false);
    expect(accept("services/api/src/app.js", false)).toBe(true);
  });

  it("drops what a .gitignore excludes: the root's and the context's own", () => {
    expect(accept("services/api/coverage", true)).toBe(false);
    expect(accept("services/api/coverage/lcov.info", false)).toBe(false);
    expect(accept("services/api/src/keys.secret.json", false)).toBe(false);
    expect(accept("services/api/generated", true)).toBe(false);
    expect(accept("services/api/src/generated", true)).toBe(true); // "/generated" is anchored to services/api
    expect(accept("services/api/src/cache/x.bin", false)).toBe(false);
    expect(accept("services/api/src/cache.js", false)).toBe(true); // "cache/" means folders only
  });

  it("keeps the files the spec reads, though .gitignore and .dockerignore exclude them (a secret edit must reach the pod)", () => {
    const spec = "build: {}\nports:\n  - port: 8080\nconfig:\n  files: { app.json: config/app.json }\nsecrets:\n  envFile: secret.env\n  example: secret.env.example\n  files: { key.pem: private/key.pem }\n";
    const all = { ...files, "services/api/service.yaml": spec, "services/api/config/app.json": "{}", "services/api/secret.env.example": "T=1\n", "services/api/private/key.pem": "k" };
    const dir = mkdtempSync(join(tmpdir(), "devup-watch-secrets-"));
    try {
      mkdirSync(join(dir, "services/api"), { recursive: true });
      writeFileSync(join(dir, "services/api/.dockerignore"), "*.env\nprivate\n");
      writeFileSync(join(dir, ".gitignore"), "secret.env\nprivate/\n");
      const p = validateProject({ root: dir, devFile: { path: "dev.yaml", text: "name: shop\n" }, serviceFiles: [{ path: "services/api/service.yaml", text: spec }] }, memoryFs(all));
      expect(p.errors).toEqual([]);
      const keep = watchFilter(p.value!);
      expect(keep("services/api/secret.env", false)).toBe(true);
      expect(keep("services/api/private", true)).toBe(true);
      expect(keep("services/api/private/key.pem", false)).toBe(true);
      expect(keep("services/api/config/app.json", false)).toBe(true);
      expect(keep("services/api/other.env", false)).toBe(false); // still ignored: not read by the spec
      expect(keep("services/api/private/other.pem", false)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("drops .git, node_modules and editor temp files", () => {
    for (const p of ["services/api/src/sed8U2Ie7", "services/api/node_modules/x/index.js", "services/api/.git/HEAD", "services/api/src/.a.js.swp", "services/api/src/a.js~", "services/api/src/4913", "services/api/src/.#a.js", "services/api/src/a.js.kate-swp", "services/api/.DS_Store"]) {
      expect(accept(p, false), p).toBe(false);
    }
  });
});

describe("watchFilter: manifests", () => {
  it("keeps everything under a chart, a values file and a kustomize folder, git-ignored or not", () => {
    const root = mkdtempSync(join(tmpdir(), "devup-watch-manifests-"));
    try {
      writeFileSync(join(root, ".gitignore"), "charts/\n");
      const files = { "dev.yaml": "name: shop\nmanifests:\n  db: { helm: { chart: infra/db, values: [infra/dev.yaml] } }\n", "infra/db/Chart.yaml": "", "infra/dev.yaml": "" };
      const r = validateProject({ root, devFile: { path: "dev.yaml", text: files["dev.yaml"] }, serviceFiles: [] }, memoryFs(files));
      expect(r.errors).toEqual([]);
      const accept = watchFilter(r.value!);
      expect(accept("infra/db/templates/deployment.yaml", false)).toBe(true);
      expect(accept("infra/db/charts", true)).toBe(true);
      expect(accept("infra/dev.yaml", false)).toBe(true);
      expect(accept("infra/db/templates/.deployment.yaml.swp", false)).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
