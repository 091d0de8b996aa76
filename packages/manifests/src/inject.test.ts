import { validateFiles, type ResolvedProject } from "@devup/project";
import { describe, expect, it } from "vitest";
import { imageRepository, injectObjects, userObjectOrder } from "./inject.ts";
import { redactSecrets } from "./objects.ts";
import type { KubeObject } from "./types.ts";

function project(manifests: string, build = "build: {}\n"): ResolvedProject {
  const r = validateFiles({
    "dev.yaml": "name: shop\n",
    "services/api/service.yaml": `${build}manifests: ${manifests}\n`,
    "services/api/Dockerfile": "FROM scratch\n",
    "services/api/k8s/a.yaml": "",
  });
  expect(r.errors).toEqual([]);
  return r.value!;
}
const plain = () => project("{ yaml: [k8s/a.yaml] }");
const BUILT = "localhost:5001/shop-api:0123456789ab";

const deployment = (image: string, init = "busybox:1.36"): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "api", labels: { team: "core" } },
  spec: {
    selector: { matchLabels: { app: "api" } },
    template: { metadata: { labels: { app: "api" } }, spec: { initContainers: [{ name: "wait", image: init }], containers: [{ name: "api", image }, { name: "proxy", image: "envoyproxy/envoy:v1.31" }] } },
  },
});
const cronJob = (image: string): KubeObject => ({
  apiVersion: "batch/v1",
  kind: "CronJob",
  metadata: { name: "nightly" },
  spec: { schedule: "0 3 * * *", jobTemplate: { spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "run", image }] } } } } },
});
const containerImages = (o: KubeObject, path: string[]): string[] => {
  let here: unknown = o;
  for (const k of path) here = (here as Record<string, unknown>)[k];
  return ((here as { containers: { image: string }[] }).containers ?? []).map((c) => c.image);
};

describe("imageRepository", () => {
  it("drops tag and digest and Docker Hub's default prefixes, keeps a registry with a port", () => {
    expect(imageRepository("api")).toBe("api");
    expect(imageRepository("api:1.2")).toBe("api");
    expect(imageRepository("docker.io/library/redis:7")).toBe("redis");
    expect(imageRepository("localhost:5001/acme/api:abc@sha256:00ff")).toBe("localhost:5001/acme/api");
    expect(imageRepository("localhost:5001/acme/api")).toBe("localhost:5001/acme/api");
  });
});

describe("injectObjects", () => {
  it("replaces every reference to the image name, with any tag, in containers, initContainers and CronJobs, and nothing else", () => {
    const p = plain();
    const { objects, errors } = injectObjects(p, p.services[0]!, [deployment("api:latest", "docker.io/library/api"), cronJob("api")], BUILT);
    expect(errors).toEqual([]);
    const [d, c] = objects as [KubeObject, KubeObject];
    expect(containerImages(d, ["spec", "template", "spec"])).toEqual([BUILT, "envoyproxy/envoy:v1.31"]);
    expect((d.spec as { template: { spec: { initContainers: { image: string }[] } } }).template.spec.initContainers[0]!.image).toBe(BUILT);
    expect(containerImages(c, ["spec", "jobTemplate", "spec", "template", "spec"])).toEqual([BUILT]);
  });

  it("matches build.image instead of the service name, and does not match a longer name", () => {
    const p = project("{ yaml: [k8s/a.yaml] }", "build: { image: acme/api }\n");
    const { objects, errors } = injectObjects(p, p.services[0]!, [deployment("acme/api:v3", "acme/api-migrate:v3")], BUILT);
    expect(errors).toEqual([]);
    const spec = (objects[0]!.spec as { template: { spec: { initContainers: { image: string }[]; containers: { image: string }[] } } }).template.spec;
    expect(spec.containers[0]!.image).toBe(BUILT);
    expect(spec.initContainers[0]!.image).toBe("acme/api-migrate:v3");
  });

  it("rewrites custom resources' image fields named in imageFields, list items included", () => {
    const p = project("{ yaml: [k8s/a.yaml], imageFields: [{ kind: Widget, path: 'spec.workers[*].image' }, { kind: Widget, path: spec.image }] }");
    const widget: KubeObject = { apiVersion: "example.dev/v1", kind: "Widget", metadata: { name: "w" }, spec: { image: "api:1", workers: [{ image: "api" }, { image: "other" }] } };
    const { objects, errors } = injectObjects(p, p.services[0]!, [widget], BUILT);
    expect(errors).toEqual([]);
    expect(objects[0]!.spec).toEqual({ image: BUILT, workers: [{ image: BUILT }, { image: "other" }] });
    expect(widget.spec).toEqual({ image: "api:1", workers: [{ image: "api" }, { image: "other" }] }); // the input is not changed
  });

  it("says which name it looked for when no object refers to the built image", () => {
    const p = project("{ yaml: [k8s/a.yaml], imageFields: [{ kind: Widget, path: spec.image }] }");
    const { errors } = injectObjects(p, p.services[0]!, [deployment("apii:1")], BUILT);
    expect(errors).toEqual([expect.stringMatching(/^no object of api refers to the image "api" \(looked for it, with any tag, in the containers and initContainers of Pods, .*, nor Widget spec.image\)/)]);
  });

  it("without a build nothing is replaced and nothing is required", () => {
    const r = validateFiles({ "dev.yaml": "name: shop\nmanifests:\n  db: { yaml: [db.yaml] }\n", "db.yaml": "" });
    const p = r.value!;
    const { objects, errors } = injectObjects(p, p.services[0]!, [deployment("postgres:16")], undefined);
    expect(errors).toEqual([]);
    expect(containerImages(objects[0]!, ["spec", "template", "spec"])[0]).toBe("postgres:16");
  });

  it("labels every object for prune and dev down, sets the namespace of namespaced ones only, and labels pod templates unless the selector says otherwise", () => {
    const p = plain();
    const crd: KubeObject = { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "gadgets.example.dev" }, spec: { scope: "Cluster", names: { kind: "Gadget" } } };
    const gadget: KubeObject = { apiVersion: "example.dev/v1", kind: "Gadget", metadata: { name: "g" } };
    const clash = deployment("api");
    (clash.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels["app.kubernetes.io/name"] = "chart-api";
    const { objects } = injectObjects(p, p.services[0]!, [deployment("api"), crd, gadget, clash], BUILT);
    const labels = { "app.kubernetes.io/part-of": "shop", "app.kubernetes.io/managed-by": "devup", "devup.dev/project": "shop", "devup.dev/environment": "local", "devup.dev/service": "api" };
    for (const o of objects) expect(o.metadata.labels).toMatchObject(labels);
    expect(objects.map((o) => o.metadata.namespace)).toEqual(["shop", undefined, undefined, "shop"]);
    expect(objects[0]!.metadata.labels!.team).toBe("core");
    const podLabels = (o: KubeObject) => (o.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
    expect(podLabels(objects[0]!)).toEqual({ app: "api", "app.kubernetes.io/name": "api", "devup.dev/project": "shop" });
    expect(podLabels(objects[3]!)).toEqual({ app: "api", "devup.dev/project": "shop" });
    // An object already named for the service by app.kubernetes.io/name needs no devup.dev/service.
    const named = deployment("api");
    named.metadata.labels = { "app.kubernetes.io/name": "api" };
    expect(injectObjects(p, p.services[0]!, [named], BUILT).objects[0]!.metadata.labels!["devup.dev/service"]).toBeUndefined();
  });
});

describe("userObjectOrder and redaction", () => {
  it("puts CRDs first, then cluster-scoped objects, then namespaced ones with config before workloads", () => {
    const o = (kind: string, name = kind.toLowerCase()): KubeObject => ({ apiVersion: "v1", kind, metadata: { name } });
    const sorted = userObjectOrder([o("Widget"), o("StatefulSet"), o("ConfigMap"), o("ClusterRole"), o("CustomResourceDefinition"), o("Service")]);
    expect(sorted.map((x) => x.kind)).toEqual(["CustomResourceDefinition", "ClusterRole", "ConfigMap", "Service", "StatefulSet", "Widget"]);
  });

  it("redacts a user's Secret's stringData as well as data", () => {
    const [s] = redactSecrets([{ apiVersion: "v1", kind: "Secret", metadata: { name: "db" }, stringData: { password: "hunter2" }, data: { user: "YWRtaW4=" } }]);
    expect(JSON.stringify(s)).not.toMatch(/hunter2|YWRtaW4=/);
    expect(s!.stringData).toEqual({ password: "<redacted>", user: "<redacted>" });
  });
});
