// dev down for a project with its own manifests, against a fake API server: the user's kinds and the
// custom resources of the project's CRDs go, the namespace (which may hold others' objects) stays.
import type { Kube } from "@devup/kube";
import { validateFiles } from "@devup/project";
import { describe, expect, it } from "vitest";
import { removeWorkloads } from "./teardown.ts";

function fakeCluster(items: Record<string, Array<Record<string, unknown>>>) {
  const calls: string[] = [];
  const kube = {
    server: "https://127.0.0.1:6443",
    objects: {
      list: (apiVersion: string, kind: string) => Promise.resolve({ items: (items[`${apiVersion} ${kind}`] ?? []).map((o) => ({ metadata: { namespace: "shop" }, ...o })) }),
      delete: (o: { apiVersion: string; kind: string; metadata: { name: string } }) => {
        calls.push(`delete ${o.apiVersion} ${o.kind}/${o.metadata.name}`);
        return Promise.resolve({});
      },
    },
    core: {
      listNamespacedConfigMap: () => Promise.resolve({ items: [] }),
      readNamespace: () => Promise.resolve({ metadata: { name: "shop", labels: { "app.kubernetes.io/managed-by": "devup", "devup.dev/project": "shop" } } }),
      deleteNamespace: () => {
        calls.push("delete Namespace/shop");
        return Promise.resolve({});
      },
    },
  } as unknown as Kube;
  return { kube, calls };
}

const project = (dev: string) => {
  const r = validateFiles({ "dev.yaml": dev, "infra.yaml": "" });
  expect(r.errors).toEqual([]);
  return r.value!;
};

describe("removeWorkloads with manifests:", () => {
  it("deletes StatefulSets and the custom resources of the project's CRDs, and keeps the namespace", async () => {
    const { kube, calls } = fakeCluster({
      "apps/v1 StatefulSet": [{ metadata: { name: "db" } }],
      "apiextensions.k8s.io/v1 CustomResourceDefinition": [
        { spec: { group: "x.dev", scope: "Namespaced", names: { kind: "Gadget" }, versions: [{ name: "v1beta1" }, { name: "v1", storage: true }] } },
        { spec: { group: "x.dev", scope: "Cluster", names: { kind: "Global" }, versions: [{ name: "v1", storage: true }] } },
      ],
      "x.dev/v1 Gadget": [{ metadata: { name: "g" } }],
    });
    const result = await removeWorkloads(kube, project("name: shop\nmanifests:\n  infra: { yaml: [infra.yaml] }\n"));
    expect(calls.sort()).toEqual(["delete apps/v1 StatefulSet/db", "delete x.dev/v1 Gadget/g"]);
    expect(result.namespaceRemoved).toBe(false);
  });

  it("a project without manifests lists no extra kinds and removes its namespace as before", async () => {
    const { kube, calls } = fakeCluster({ "apps/v1 StatefulSet": [{ metadata: { name: "other" } }] });
    const r = validateFiles({ "dev.yaml": "name: shop\nservices:\n  db: { image: postgres }\n" });
    const result = await removeWorkloads(kube, r.value!);
    expect(calls).toEqual(["delete Namespace/shop"]);
    expect(result.namespaceRemoved).toBe(true);
  });
});
