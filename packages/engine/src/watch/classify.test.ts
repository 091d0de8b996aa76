import { validateFiles, type ResolvedProject } from "@devup/project";
import { describe, expect, it } from "vitest";
import { classify, mergeChanges } from "./classify.ts";

function project(): ResolvedProject {
  const files: Record<string, string> = {
    "dev.yaml": "name: shop\n",
    "services/api/service.yaml": "build: {}\nports:\n  - port: 8080\nsync:\n  - { from: src, to: /app/src, then: restart }\n  - { from: static, to: /srv/static }\n",
    "services/api/Dockerfile": "FROM node:24-slim\n",
    "services/api/src/a.js": "",
    "services/api/static/x.css": "",
    "services/db/service.yaml": "image: example/db:1\n",
  };
  const r = validateFiles(files);
  expect(r.errors).toEqual([]);
  return r.value!;
}

describe("classify", () => {
  const p = project();
  it("files under sync rules are synced to the rule's target", () => {
    const c = classify(p, ["services/api/src/lib/a.js", "services/api/static/x.css"]);
    const api = c.services.get("api");
    expect(api?.kind).toBe("sync");
    expect(api?.kind === "sync" && api.files.map((f) => [f.path, f.to])).toEqual([
      ["services/api/src/lib/a.js", "/app/src/lib/a.js"],
      ["services/api/static/x.css", "/srv/static/x.css"],
    ]);
  });

  it("one file outside the sync rules makes it a rebuild (the Dockerfile too)", () => {
    expect(classify(p, ["services/api/src/a.js", "services/api/package.json"]).services.get("api")).toEqual({ kind: "rebuild", files: ["services/api/src/a.js", "services/api/package.json"] });
    expect(classify(p, ["services/api/Dockerfile"]).services.get("api")?.kind).toBe("rebuild");
  });

  it("spec files re-plan and are no service's build input; prebuilt services have none", () => {
    const c = classify(p, ["services/api/service.yaml", "dev.yaml", "services/db/x"]);
    expect(c.spec).toEqual(["services/api/service.yaml", "dev.yaml"]);
    expect(c.services.size).toBe(0);
  });

  it("files the spec reads (config, secrets env file, secret files) re-plan, even where .dockerignore hides them", () => {
    const r = validateFiles({
      "dev.yaml": "name: shop\n",
      "services/api/service.yaml":
        "build: {}\nports:\n  - port: 8080\nconfig:\n  files: { app.json: config/app.json }\nsecrets:\n  envFile: secret.env\n  example: secret.env.example\n  files: { key.pem: keys/key.pem }\n",
      "services/api/Dockerfile": "FROM node:24-slim\n",
      "services/api/config/app.json": "{}",
      "services/api/secret.env.example": "TOKEN=x\n",
      "services/api/keys/key.pem": "k",
    });
    expect(r.errors).toEqual([]);
    const inputs = ["services/api/config/app.json", "services/api/secret.env", "services/api/keys/key.pem"];
    // secret.env does not exist yet (the example stands in): creating it must be noticed too.
    const c = classify(r.value!, [...inputs, "services/api/secret.env.example"]);
    expect(c.spec.sort()).toEqual([...inputs, "services/api/secret.env.example"].sort());
    expect(c.services.size).toBe(0);
    expect(classify(r.value!, ["services/api/server.js"]).services.get("api")?.kind).toBe("rebuild");
  });

  it("a file the spec reads that a sync rule covers is synced, as the rule asks", () => {
    const r = validateFiles({
      "dev.yaml": "name: shop\n",
      "services/api/service.yaml": "build: {}\nports:\n  - port: 8080\nconfig:\n  files: { app.json: config/app.json }\nsync:\n  - { from: config, to: /app/config }\n",
      "services/api/Dockerfile": "FROM node:24-slim\n",
      "services/api/config/app.json": "{}",
    });
    expect(r.errors).toEqual([]);
    const c = classify(r.value!, ["services/api/config/app.json"]);
    expect(c.spec).toEqual([]);
    expect(c.services.get("api")).toMatchObject({ kind: "sync", files: [{ path: "services/api/config/app.json", to: "/app/config/app.json" }] });
  });

  it("merging: a rebuild wins over a sync and keeps every file", () => {
    const s = classify(p, ["services/api/src/a.js"]).services.get("api")!;
    expect(mergeChanges(s, { kind: "rebuild", files: ["services/api/Dockerfile"] })).toEqual({ kind: "rebuild", files: ["services/api/Dockerfile", "services/api/src/a.js"] });
    expect(mergeChanges(s, s)).toMatchObject({ kind: "sync", files: [{ path: "services/api/src/a.js" }] });
  });
});
