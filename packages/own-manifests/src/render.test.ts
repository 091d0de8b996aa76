import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DevupError } from "@devup/errors";
import { nodeProjectFs, readProjectSources, validateProject, type ResolvedProject } from "@devup/project";
import { afterEach, describe, expect, it } from "vitest";
import { renderOwnManifests } from "./render.ts";
import { findTool } from "./tools.ts";

const FIXTURE = fileURLToPath(new URL("../../../test/fixtures/manifests/", import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function copy(): string {
  const dir = mkdtempSync(join(tmpdir(), "devup-own-"));
  dirs.push(dir);
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}
function load(root: string): ResolvedProject {
  const r = validateProject(readProjectSources(root), nodeProjectFs(root));
  expect(r.errors).toEqual([]);
  return r.value!;
}
const service = (p: ResolvedProject, name: string) => p.services.find((s) => s.name === name)!;
const rejection = async (promise: Promise<unknown>): Promise<DevupError> => {
  const e: unknown = await promise.then(() => undefined, (error: unknown) => error);
  expect(e).toBeInstanceOf(DevupError);
  return e as DevupError;
};

describe("renderOwnManifests: plain YAML", () => {
  it("reads every document of the files the glob matches, in name order", async () => {
    const p = load(copy());
    const objects = await renderOwnManifests(p, service(p, "gadgets"));
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(["CustomResourceDefinition/gadgets.fixtures.devup.dev", "Gadget/sprocket", "ConfigMap/shared-settings"]);
  });

  it("refuses a matched file that is a symlink out of the project, naming it", async () => {
    const root = copy();
    const outside = mkdtempSync(join(tmpdir(), "devup-outside-"));
    dirs.push(outside);
    writeFileSync(join(outside, "secret.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: stolen }\n");
    symlinkSync(join(outside, "secret.yaml"), join(root, "infra", "20-link.yaml"));
    const p = load(root);
    const e = await rejection(renderOwnManifests(p, service(p, "gadgets")));
    expect(e.code).toBe("E_RENDER_FAILED");
    expect(e.message).toMatch(/^dev\.yaml:5:3: gadgets: YAML file "infra\/20-link\.yaml" leads out of the project/);
  });

  it("says which document is not an object and where", async () => {
    const root = copy();
    writeFileSync(join(root, "infra", "30-bad.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: fine }\n---\n- just\n- a list\n---\nkind: Secret\nmetadata: {}\n");
    const p = load(root);
    const e = await rejection(renderOwnManifests(p, service(p, "gadgets")));
    expect(e.details).toEqual([
      "infra/30-bad.yaml:5:1: a document that is not a Kubernetes object (expected a mapping with apiVersion, kind and metadata.name)",
      "infra/30-bad.yaml:8:1: a Kubernetes object needs apiVersion and kind",
    ]);
    expect(e.message).toContain("dev.yaml:5:3: gadgets:");
  });

  it("refuses a glob that matches nothing", async () => {
    const root = copy();
    writeFileSync(join(root, "dev.yaml"), "name: mixed\nmanifests:\n  gadgets:\n    yaml: [infra/*.yml]\n");
    const p = load(root);
    const e = await rejection(renderOwnManifests(p, service(p, "gadgets")));
    expect(e.message).toBe('dev.yaml:3:3: gadgets: "infra/*.yml" matches no YAML file');
  });
});

describe.skipIf(!findTool("kubectl"))("renderOwnManifests: kustomize", () => {
  it("renders the overlay: replicas and the env patch over the base", async () => {
    const p = load(copy());
    const [d, ...rest] = await renderOwnManifests(p, service(p, "worker"));
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ kind: "Deployment", metadata: { name: "worker" }, spec: { replicas: 2, template: { spec: { containers: [{ image: "fixtures/worker:stable", env: [{ name: "MODE", value: "dev-overlay" }] }] } } } });
  });

  it("reports kustomize's own message with the spec line", async () => {
    const root = copy();
    writeFileSync(join(root, "services/worker/deploy/overlays/dev/kustomization.yaml"), "resources: [../../missing]\n");
    const p = load(root);
    const e = await rejection(renderOwnManifests(p, service(p, "worker")));
    expect(e.code).toBe("E_RENDER_FAILED");
    expect(e.message).toMatch(/^services\/worker\/service\.yaml:2:1: worker: kubectl kustomize services\/worker\/deploy\/overlays\/dev failed \(exit 1\): .*missing/);
  });
});

describe.skipIf(!findTool("helm"))("renderOwnManifests: helm", () => {
  it("renders the chart with the values file and the spec's set, in the project's namespace", async () => {
    const p = load(copy());
    const objects = await renderOwnManifests(p, service(p, "web"));
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(["ConfigMap/web-settings", "Deployment/web", "Service/web", "StatefulSet/web-store"]);
    const byKind = Object.fromEntries(objects.map((o) => [o.kind, o]));
    expect(byKind.ConfigMap!.data).toEqual({ GREETING: "hello from the spec" });
    expect(byKind.Deployment!.spec).toMatchObject({ replicas: 1 });
    expect(byKind.StatefulSet!.spec).toMatchObject({ volumeClaimTemplates: [{ spec: { resources: { requests: { storage: "64Mi" } } } }] });
  });

  it("reports helm's own message with the spec line", async () => {
    const root = copy();
    writeFileSync(join(root, "services/web/chart/templates/broken.yaml"), "kind: ConfigMap\nname: {{ .Values.nope.deeper }}\n");
    const p = load(root);
    const e = await rejection(renderOwnManifests(p, service(p, "web")));
    expect(e.message).toMatch(/^services\/web\/service\.yaml:2:1: web: helm template web services\/web\/chart .* failed \(exit 1\): Error: .*broken\.yaml.*nil pointer/);
  });
});
