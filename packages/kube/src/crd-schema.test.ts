// A CRD with x-kubernetes-* keys applied through the real client (client-node's typed serializer,
// what kube.objects.patch sends) to a fake API server on 127.0.0.1: the body it receives keeps them.
import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { applyObjects } from "./apply.ts";
import { forTypedModel } from "./crd-schema.ts";
import { createKube } from "./kube.ts";
import { PatchStrategy } from "./k8s.ts";
import type { KubeObject } from "./types.ts";
import { fakeKubeconfig } from "./testing.ts";

const open = { type: "object", "x-kubernetes-preserve-unknown-fields": true };
const crd: KubeObject = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "widgets.example.com" },
  spec: {
    group: "example.com",
    scope: "Namespaced",
    names: { kind: "Widget", plural: "widgets" },
    // A field the user named x-kubernetes-like stays as it is (a field name, not a keyword).
    versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { ...open, properties: { spec: open, "x-kubernetes-note": { type: "string" } } } } }],
  },
};

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A fake API server that knows CRDs, has none, and records the body of each PATCH. */
async function fakeApi(): Promise<{ bodies: string[]; kubeconfigYaml: string }> {
  const bodies: string[] = [];
  server = createServer((req, res) => {
    const json = (status: number, body: object) => void res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    const url = new URL(req.url ?? "/", "http://fake");
    if (url.pathname === "/apis/apiextensions.k8s.io/v1") {
      return json(200, { kind: "APIResourceList", groupVersion: "apiextensions.k8s.io/v1", resources: [{ name: "customresourcedefinitions", namespaced: false, kind: "CustomResourceDefinition", verbs: ["get", "patch"] }] });
    }
    if (req.method === "GET") return json(404, { kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 });
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => (bodies.push(body), json(201, JSON.parse(body) as object)));
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const kubeconfigYaml = fakeKubeconfig(port);
  return { bodies, kubeconfigYaml };
}

describe("a CRD's x-kubernetes-* schema keys", () => {
  it("are dropped by client-node's serializer when sent as written, and kept by applyObjects", async () => {
    const api = await fakeApi();
    const kube = createKube({ kubeconfigYaml: api.kubeconfigYaml });
    await kube.objects.patch(crd, undefined, undefined, "test", true, PatchStrategy.ServerSideApply);
    expect(api.bodies[0]).not.toContain("x-kubernetes-preserve-unknown-fields"); // the failure it prevents
    await applyObjects(kube, [crd]);
    const sent = JSON.parse(api.bodies[1]!) as { spec: { versions: Array<{ schema: { openAPIV3Schema: unknown } }> } };
    expect(sent.spec.versions[0]!.schema.openAPIV3Schema).toEqual({ ...open, properties: { spec: open, "x-kubernetes-note": { type: "string" } } });
  });

  it("other objects are left as they are", () => {
    const cm: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: { "x-kubernetes-a": "1" } };
    expect(forTypedModel(cm)).toBe(cm);
  });
});
