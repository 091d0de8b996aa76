import { describe, expect, it } from "vitest";
import { validateFiles } from "./validate.ts";

const CHART = { "services/db/chart/Chart.yaml": "apiVersion: v2\nname: db\nversion: 0.1.0\n", "services/db/values-dev.yaml": "replicas: 1\n" };
const run = (service: string, files: Record<string, string> = {}, dev = "name: shop\n") =>
  validateFiles({ "dev.yaml": dev, "services/api/service.yaml": service, "services/api/Dockerfile": "FROM scratch\n", ...files });
const messages = (r: ReturnType<typeof run>) => r.errors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.path}: ${e.message}`);

describe("manifests: in a service", () => {
  it("resolves plain YAML files and globs against the service folder", () => {
    const r = run("build: {}\nmanifests:\n  yaml: [k8s/deploy.yaml, 'k8s/extra/*.yaml']\n", { "services/api/k8s/deploy.yaml": "kind: x\n", "services/api/k8s/extra/a.yaml": "" });
    expect(messages(r)).toEqual([]);
    const api = r.value!.services[0]!;
    expect(api.manifests).toEqual({
      source: { kind: "yaml", files: ["services/api/k8s/deploy.yaml", "services/api/k8s/extra/*.yaml"] },
      imageFields: [],
      imageName: "api",
      at: "services/api/service.yaml:2:1",
    });
  });

  it("resolves a Helm chart with values, set, release and the image name from build.image", () => {
    const r = run(
      "build: { image: acme/api }\nmanifests:\n  helm:\n    chart: ../db/chart\n    values: [../db/values-dev.yaml]\n    set: { replicas: 2, image.tag: dev, debug: true }\n  imageFields: [{ kind: Widget, path: 'spec.workers[*].image' }]\nforward: [{ port: http, local: 18080 }]\n",
      CHART,
    );
    expect(messages(r)).toEqual([]);
    const api = r.value!.services[0]!;
    expect(api.manifests!.source).toEqual({ kind: "helm", chart: "services/db/chart", version: undefined, release: "api", values: ["services/db/values-dev.yaml"], set: { replicas: 2, "image.tag": "dev", debug: true } });
    expect(api.manifests!.imageName).toBe("acme/api");
    expect(api.manifests!.imageFields).toEqual([{ kind: "Widget", path: "spec.workers[*].image" }]);
    expect(api.forward).toEqual([{ target: "api", port: "http", local: 18080 }]);
  });

  it("resolves a kustomize folder that holds a kustomization", () => {
    const r = run("manifests: { kustomize: overlay }\n", { "services/api/overlay/kustomization.yaml": "resources: []\n" });
    expect(messages(r)).toEqual([]);
    expect(r.value!.services[0]!.manifests!.source).toEqual({ kind: "kustomize", dir: "services/api/overlay" });
  });

  it("refuses none or two sources, at the manifests line", () => {
    expect(messages(run("build: {}\nmanifests: {}\n"))).toEqual(["services/api/service.yaml:2:12: services.api.manifests: give one of yaml, kustomize or helm"]);
    expect(messages(run("manifests: { yaml: [a.yaml], kustomize: k }\n"))).toEqual([
      "services/api/service.yaml:1:12: services.api.manifests: give only one of yaml, kustomize or helm (found yaml and kustomize)",
    ]);
  });

  it("refuses paths that leave the project, missing files, folders without a kustomization or Chart.yaml", () => {
    const text = messages(run("manifests: { yaml: [../../../etc/passwd, missing.yaml, '../../x/**/../*.yaml', 'nope/*.yaml'] }\n")).join("\n");
    expect(text).toContain('services/api/service.yaml:1:21: services.api.manifests.yaml[0]: YAML file "../../../etc/passwd" leaves the project');
    expect(text).toContain('manifests.yaml[1]: YAML file "services/api/missing.yaml" not found');
    expect(text).toContain('manifests.yaml[2]: YAML glob "../../x/**/../*.yaml" has ".." after a wildcard');
    expect(text).toContain('manifests.yaml[3]: folder "services/api/nope" of glob "nope/*.yaml" does not exist');
    expect(messages(run("manifests: { kustomize: k8s }\n", { "services/api/k8s/a.yaml": "" }))).toEqual([
      'services/api/service.yaml:1:25: services.api.manifests.kustomize: "services/api/k8s" holds no kustomization.yaml; point kustomize at the folder of your kustomization (base or overlay)',
    ]);
    const helm = messages(run("manifests: { helm: { chart: k8s, values: [v.yaml] } }\n", { "services/api/k8s/a.yaml": "" })).join("\n");
    expect(helm).toContain('manifests.helm.chart: "services/api/k8s" holds no Chart.yaml');
    expect(helm).toContain('manifests.helm.values[0]: values file "services/api/v.yaml" not found');
  });

  it("refuses fields of the generated Deployment beside manifests, and forward/build.image without manifests", () => {
    const text = messages(run("image: nginx\nports: [{ port: 80 }]\nenv: { A: b }\nmanifests: { kustomize: k }\n", { "services/api/k/kustomization.yaml": "" })).join("\n");
    expect(text).toContain("services/api/service.yaml:1:8: services.api.image: image has no effect with manifests:");
    expect(text).toContain("services.api.ports: ports has no effect with manifests: (your objects define the Service and pods); use forward:");
    expect(text).toContain("services.api.env: env has no effect with manifests:");
    const plain = messages(run("build: { image: acme/api }\nports: [{ port: 80 }]\nforward: [{ port: 80, local: 9000 }]\n")).join("\n");
    expect(plain).toContain("services.api.build.image: build.image names the image your own objects refer to");
    expect(plain).toContain("services.api.forward: forward: is for services with manifests:");
  });

  it("refuses a sync that would restart the process (the restart loop wraps only generated containers)", () => {
    const files = { "services/api/k/kustomization.yaml": "" };
    expect(messages(run("build: {}\nmanifests: { kustomize: k }\nsync: [{ from: ., to: /app }]\n", files))).toEqual([
      "services/api/service.yaml:3:8: services.api.sync[0].then: then: restart is not available with manifests: yet (devup does not rewrite your containers' commands); use then: none, or run: [a command that reloads]",
    ]);
    expect(messages(run("build: {}\nmanifests: { kustomize: k }\nsync: [{ from: ., to: /app, then: none }]\n", files))).toEqual([]);
  });

  it("refuses a bad image field path and a bad forward", () => {
    const text = messages(run("manifests: { kustomize: k, imageFields: [{ kind: W, path: 'spec..image' }] }\nforward: [{ port: 80, local: 0 }]\n", { "services/api/k/kustomization.yaml": "" })).join("\n");
    expect(text).toContain('manifests.imageFields[0].path: expected a field path like "spec.image"');
    expect(text).toContain("services.api.forward[0].local: a port number must be from 1 to 65535");
  });
});

describe("manifests: in dev.yaml (shared infrastructure)", () => {
  it("is a service of that name others may depend on, paths from the project root", () => {
    const r = run("build: {}\nports: [{ port: 80 }]\ndependsOn: [db]\n", { "infra/db/Chart.yaml": "name: db\n" }, "name: shop\nmanifests:\n  db:\n    helm: { chart: infra/db, set: { auth.password: dev } }\n");
    expect(messages(r)).toEqual([]);
    const db = r.value!.services.find((s) => s.name === "db")!;
    expect(db.manifests!.source).toMatchObject({ kind: "helm", chart: "infra/db", release: "db" });
    expect(db.manifests!.at).toBe("dev.yaml:3:3");
  });

  it("reports its errors at dev.yaml manifests.<name>", () => {
    const r = run("build: {}\n", {}, "name: shop\nmanifests:\n  db:\n    helm: { chart: /srv/chart }\n  Bad_Name: { kustomize: k }\n");
    expect(messages(r)).toEqual([
      'dev.yaml:4:20: manifests.db.helm.chart: chart folder "/srv/chart" is an absolute path; give a path relative to the spec file\'s folder, inside the project (devup reads nothing outside the folder of dev.yaml)',
      'dev.yaml:5:3: manifests.Bad_Name: manifests name "Bad_Name" must be a lowercase DNS label: a-z, 0-9 and "-", starting with a letter',
    ]);
  });
});
