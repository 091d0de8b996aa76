/**
 * An apply into a Namespace that is still being deleted (a `dev down` that just returned, a
 * `kubectl delete namespace`) waits for it to go and creates it again, instead of failing on the
 * API's "being terminated" error; a Namespace held past the wait is named in the error.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyObjects } from "@devup/kube";
import type { Kube, KubeObject } from "@devup/kube";
import { configMap, deleteNamespace, kubeFixture, namespaceName, namespaceObject } from "./fixture.ts";

const FINALIZER = "devup.dev/e2e-hold";

describe("apply into a terminating namespace", () => {
  let kube: Kube;
  const ns = namespaceName("kube-e2e-terminating");

  beforeAll(async () => {
    ({ kube } = await kubeFixture());
  });
  afterAll(async () => {
    if (!kube) return;
    await kube.core.patchNamespacedConfigMap({ name: "held", namespace: ns, body: [{ op: "remove", path: "/metadata/finalizers" }] }).catch(() => undefined);
    await deleteNamespace(kube, ns);
  });

  it("names a namespace held past the wait, then waits for it to go and creates it again", async () => {
    // A ConfigMap with a finalizer holds the namespace in Terminating until the finalizer is removed.
    const base = configMap(ns, "held", { A: "1" });
    const held = { ...base, metadata: { ...base.metadata, finalizers: [FINALIZER] } } as KubeObject;
    await applyObjects(kube, [namespaceObject(ns), held]);
    await kube.core.deleteNamespace({ name: ns });
    const ns0 = await kube.core.readNamespace({ name: ns });
    expect(ns0.metadata?.deletionTimestamp).toBeDefined();

    const said: string[] = [];
    await expect(applyObjects(kube, [namespaceObject(ns), configMap(ns, "app-config", { B: "2" })], { terminatingWaitMs: 1500, onWait: (m) => said.push(m) })).rejects.toMatchObject({
      code: "E_KUBE",
      message: expect.stringContaining(`namespace ${ns} is still being deleted after 2 s`) as unknown,
    });
    expect(said).toEqual([expect.stringContaining(`namespace ${ns} is still being deleted`)]);

    // Released a moment after the next apply starts waiting: that apply creates the namespace anew.
    said.length = 0;
    const release = new Promise<void>((resolve) => setTimeout(resolve, 1000)).then(() =>
      kube.core.patchNamespacedConfigMap({ name: "held", namespace: ns, body: [{ op: "remove", path: "/metadata/finalizers" }] }),
    );
    const results = await applyObjects(kube, [namespaceObject(ns), configMap(ns, "app-config", { B: "2" })], { terminatingWaitMs: 90_000, onWait: (m) => said.push(m) });
    await release;
    expect(said).toHaveLength(1);
    expect(results.map((r) => `${r.kind}/${r.name}:${r.action}`)).toEqual([`Namespace/${ns}:created`, "ConfigMap/app-config:created"]);
    const live = await kube.core.readNamespace({ name: ns });
    expect(live.metadata?.deletionTimestamp).toBeUndefined();
  });
});
