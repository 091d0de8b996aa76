// dev down's teardown against a fake API server (the other side): claims and the namespace holding them stay unless asked.
import type { Kube } from "@devup/kube";
import { validateFiles } from "@devup/project";
import { describe, expect, it } from "vitest";
import { removeWorkloads } from "./teardown.ts";

function fakeCluster() {
  const items: Record<string, string[]> = { Deployment: ["db"], Service: ["db"], PersistentVolumeClaim: ["db-data"] };
  const calls: string[] = [];
  let namespace = true;
  const kube = {
    server: "https://127.0.0.1:6443",
    objects: {
      list: (_v: string, kind: string) => Promise.resolve({ items: (items[kind] ?? []).map((name) => ({ metadata: { name, namespace: "shop" } })) }),
      delete: (o: { kind: string; metadata: { name: string } }) => {
        calls.push(`delete ${o.kind}/${o.metadata.name}`);
        items[o.kind] = (items[o.kind] ?? []).filter((n) => n !== o.metadata.name);
        return Promise.resolve({});
      },
    },
    core: {
      listNamespacedConfigMap: () => Promise.resolve({ items: [] }),
      readNamespace: () => (namespace ? Promise.resolve({ metadata: { name: "shop", labels: { "app.kubernetes.io/managed-by": "devup", "devup.dev/project": "shop" } } }) : Promise.reject(new Error("404"))),
      deleteNamespace: () => {
        calls.push("delete Namespace/shop");
        namespace = false;
        return Promise.resolve({});
      },
    },
  } as unknown as Kube;
  return { kube, calls };
}

const project = validateFiles({ "dev.yaml": "name: shop\n", "services/db/service.yaml": "image: postgres:16\nvolumes: [{ name: data, mountPath: /data }]\n" }).value!;

describe("removeWorkloads", () => {
  it("keeps the claims, and the namespace that holds them, by default", async () => {
    const { kube, calls } = fakeCluster();
    const r = await removeWorkloads(kube, project);
    expect(r).toEqual({ removed: ["Deployment/db", "Service/db"], namespaceRemoved: false, volumesRemoved: [], volumesKept: ["db-data"] });
    expect(calls).toEqual(["delete Deployment/db", "delete Service/db"]);
  });

  it("removes the claims and then the namespace with volumes", async () => {
    const { kube, calls } = fakeCluster();
    const r = await removeWorkloads(kube, project, { volumes: true });
    expect(r).toEqual({ removed: ["Deployment/db", "Service/db"], namespaceRemoved: true, volumesRemoved: ["db-data"], volumesKept: [] });
    expect(calls).toEqual(["delete Deployment/db", "delete Service/db", "delete PersistentVolumeClaim/db-data", "delete Namespace/shop"]);
  });
});
