// `dev render` on a project whose services bring their own YAML, kustomization and Helm chart.
import { join } from "node:path";
import { findTool } from "@devup/own-manifests";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { dev, fixturesDir, tempProjects } from "./testing.ts";

const temp = tempProjects();
const haveTools = findTool("helm") !== undefined && findTool("kubectl") !== undefined;

interface Obj {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: { template?: { spec?: { containers?: Array<{ image: string }> } } };
}

describe.skipIf(!haveTools)("dev render with manifests:", () => {
  it("writes the user's objects with the content-tagged images injected and devup's labels, next to nothing generated", async () => {
    const dir = await temp.project(join(fixturesDir, "manifests"));
    const r = await dev(["render", "--out", "-"], dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const objects = parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj);
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(names).toEqual([
      "Namespace/mixed",
      "CustomResourceDefinition/gadgets.fixtures.devup.dev",
      "ConfigMap/shared-settings",
      "Gadget/sprocket",
      "ConfigMap/web-settings",
      "Service/web",
      "Deployment/web",
      "StatefulSet/web-store",
      "Deployment/worker",
    ]);
    const images = (name: string, kind = "Deployment") => objects.find((o) => o.kind === kind && o.metadata.name === name)!.spec!.template!.spec!.containers!.map((c) => c.image);
    expect(images("web")).toEqual([expect.stringMatching(/^devup\.local\/mixed-web:[0-9a-f]{16}$/)]);
    expect(images("web-store", "StatefulSet")).toEqual(images("web"));
    expect(images("worker")).toEqual([expect.stringMatching(/^devup\.local\/mixed-worker:[0-9a-f]{16}$/)]);
    for (const o of objects.slice(1)) expect(o.metadata.labels).toMatchObject({ "app.kubernetes.io/managed-by": "devup", "devup.dev/project": "mixed", "devup.dev/environment": "local" });
    expect(objects.find((o) => o.kind === "Gadget")!.metadata).toMatchObject({ namespace: "mixed", labels: { "devup.dev/service": "gadgets" } });
    expect(objects.find((o) => o.kind === "CustomResourceDefinition")!.metadata.namespace).toBeUndefined();
  });

  it("fails with the spec line when a built image is referenced by no object (exit 3, E_RENDER_FAILED)", async () => {
    const dir = await temp.project(join(fixturesDir, "manifests"));
    const { writeFile } = await import("node:fs/promises");
    await writeFile(join(dir, "services/worker/service.yaml"), "build: { image: fixtures/wroker }\nmanifests:\n  kustomize: deploy/overlays/dev\n");
    const r = await dev(["render", "--out", "-"], dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('services/worker/service.yaml:2:1: no object of worker refers to the image "fixtures/wroker"');
    expect(r.stdout).toBe("");
  });
});
