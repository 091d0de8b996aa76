import { describe, expect, it } from "vitest";
import type { Kube } from "./kube.ts";
import { listClaims, objectsToPrune, pruneObjects } from "./prune.ts";

describe("objectsToPrune", () => {
  it("keeps what is desired (by kind, namespace and name) and returns the rest", () => {
    const existing = [
      { kind: "ConfigMap", name: "users-config", namespace: "shop" },
      { kind: "ConfigMap", name: "old-config", namespace: "shop" },
      { kind: "Secret", name: "users-config", namespace: "shop" },
      { kind: "Deployment", name: "users", namespace: "other" },
    ];
    const desired = [
      { kind: "ConfigMap", name: "users-config", namespace: "shop" },
      { kind: "Deployment", name: "users", namespace: "shop" },
    ];
    expect(objectsToPrune(existing, desired)).toEqual([
      { kind: "ConfigMap", name: "old-config", namespace: "shop" },
      { kind: "Secret", name: "users-config", namespace: "shop" },
      { kind: "Deployment", name: "users", namespace: "other" },
    ]);
  });

  it("prunes nothing when everything is desired, and everything when nothing is", () => {
    const existing = [{ kind: "Service", name: "users", namespace: "shop" }];
    expect(objectsToPrune(existing, existing)).toEqual([]);
    expect(objectsToPrune(existing, [])).toEqual(existing);
  });
});

describe("pruneObjects and claims", () => {
  /** The other side of the API: a namespace holding a Deployment and two claims; deletes are recorded. */
  function fakeKube() {
    const items: Record<string, string[]> = { Deployment: ["db"], PersistentVolumeClaim: ["db-data", "old-data"] };
    const deleted: string[] = [];
    const kube = {
      server: "https://127.0.0.1:6443",
      objects: {
        list: (_v: string, kind: string) => Promise.resolve({ items: (items[kind] ?? []).map((name) => ({ metadata: { name, namespace: "shop" } })) }),
        delete: (o: { kind: string; metadata: { name: string } }) => Promise.resolve(void deleted.push(`${o.kind}/${o.metadata.name}`)),
      },
    } as unknown as Kube;
    return { kube, deleted };
  }
  const selector = { "devup.dev/project": "shop" };

  it("never deletes a claim by default, not even one that left the spec", async () => {
    const { kube, deleted } = fakeKube();
    const gone = await pruneObjects(kube, [], { selector, namespace: "shop" });
    expect(deleted).toEqual(["Deployment/db"]);
    expect(gone.map((r) => r.kind)).toEqual(["Deployment"]);
  });

  it("prunes a PodDisruptionBudget like the other generated objects (replicas back to 1, dev down)", async () => {
    const deleted: string[] = [];
    const items: Record<string, string[]> = { PodDisruptionBudget: ["web", "db"], Deployment: ["web", "db"] };
    const kube = {
      server: "https://127.0.0.1:6443",
      objects: {
        list: (_v: string, kind: string) => Promise.resolve({ items: (items[kind] ?? []).map((name) => ({ metadata: { name, namespace: "shop" } })) }),
        delete: (o: { kind: string; metadata: { name: string } }) => Promise.resolve(void deleted.push(`${o.kind}/${o.metadata.name}`)),
      },
    } as unknown as Kube;
    await pruneObjects(kube, [{ kind: "PodDisruptionBudget", name: "web" }, { kind: "Deployment", name: "web" }, { kind: "Deployment", name: "db" }], { selector, namespace: "shop" });
    expect(deleted).toEqual(["PodDisruptionBudget/db"]);
  });

  it("deletes claims when asked for them, and lists them", async () => {
    const { kube, deleted } = fakeKube();
    await pruneObjects(kube, [], { selector, namespace: "shop", kinds: ["PersistentVolumeClaim"] });
    expect(deleted).toEqual(["PersistentVolumeClaim/db-data", "PersistentVolumeClaim/old-data"]);
    expect(await listClaims(kube, "shop", selector)).toEqual(["db-data", "old-data"]);
  });

  it("retries a 429 and a 503 (a CRD whose storage is (re)initializing: just created, or its schema changed) and then prunes what it lists", async () => {
    const deleted: string[] = [];
    let calls = 0;
    const kube = {
      server: "https://127.0.0.1:6443",
      objects: {
        list: (_v: string, kind: string) => {
          if (kind !== "IngressRoute") return Promise.resolve({ items: [] });
          calls++;
          return calls < 3 ? Promise.reject(Object.assign(new Error("storage is (re)initializing"), { code: calls === 1 ? 429 : 503 })) : Promise.resolve({ items: [{ metadata: { name: "gone", namespace: "shop" } }] });
        },
        delete: (o: { kind: string; metadata: { name: string } }) => Promise.resolve(void deleted.push(`${o.kind}/${o.metadata.name}`)),
      },
    } as unknown as Kube;
    await pruneObjects(kube, [], { selector, namespace: "shop", kinds: [], extraKinds: [{ kind: "IngressRoute", apiVersion: "traefik.io/v1alpha1" }] });
    expect(calls).toBe(3);
    expect(deleted).toEqual(["IngressRoute/gone"]);
  });
});
