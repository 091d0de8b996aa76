/**
 * Server-side apply, rollout wait, re-apply (unchanged), dry run, prune and a 422 on a real cluster.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyObjects, pruneObjects, streamLogs, waitForRollout } from "@devup/kube";
import type { Kube, KubeObject, LogLine } from "@devup/kube";
import { configMap, deleteNamespace, deployment, kubeFixture, labels, namespaceName, namespaceObject, service, waitFor } from "./fixture.ts";

describe("apply, rollout, prune", () => {
  let kube: Kube;
  let image: string;
  const ns = namespaceName("kube-e2e-apply");
  const selector = { "app.kubernetes.io/managed-by": "devup", "devup.dev/project": ns, "devup.dev/environment": "e2e" };
  let objects: KubeObject[];

  beforeAll(async () => {
    ({ kube, image } = await kubeFixture());
    objects = [
      configMap(ns, "app-config", { GREETING: "hello" }),
      configMap(ns, "old-config", { STALE: "yes" }),
      deployment(ns, "app", image),
      service(ns, "app"),
      namespaceObject(ns), // given last: apply puts Namespaces first
    ];
  });
  afterAll(async () => {
    if (kube) await deleteNamespace(kube, ns);
  });

  it("creates everything, waits for the rollout, and reports a second apply as unchanged", async () => {
    const first = await applyObjects(kube, objects);
    expect(first.map((r) => `${r.kind}/${r.name}:${r.action}`)).toEqual([
      `Namespace/${ns}:created`,
      "ConfigMap/app-config:created",
      "ConfigMap/old-config:created",
      "Deployment/app:created",
      "Service/app:created",
    ]);

    const progress: string[] = [];
    const { durationMs } = await waitForRollout(kube, { namespace: ns, name: "app", timeoutMs: 90_000, onProgress: (p) => progress.push(p.summary) });
    console.log(`rollout of a fresh 1-replica Deployment: ${durationMs} ms (progress: ${progress.join(" → ")})`);

    const second = await applyObjects(kube, objects);
    expect(second.every((r) => r.action === "unchanged")).toBe(true);
    // Waiting on a rollout that is already complete returns at once.
    expect((await waitForRollout(kube, { namespace: ns, name: "app", timeoutMs: 10_000 })).durationMs).toBeLessThan(2_000);
  });

  it("reports a change in a dry run without making it", async () => {
    const changed = configMap(ns, "app-config", { GREETING: "changed" });
    expect(await applyObjects(kube, [changed], { dryRun: true })).toEqual([{ kind: "ConfigMap", name: "app-config", namespace: ns, action: "configured" }]);
    const live = await kube.core.readNamespacedConfigMap({ name: "app-config", namespace: ns });
    expect(live.data).toEqual({ GREETING: "hello" });
    expect(await applyObjects(kube, [changed])).toEqual([{ kind: "ConfigMap", name: "app-config", namespace: ns, action: "configured" }]);
  });

  it("prunes a ConfigMap that is no longer desired, and nothing else", async () => {
    const desired = objects.filter((o) => o.metadata.name !== "old-config");
    const pruned = await pruneObjects(kube, desired, { selector, namespace: ns });
    expect(pruned).toEqual([{ kind: "ConfigMap", name: "old-config", namespace: ns }]);
    const left = await kube.core.listNamespacedConfigMap({ namespace: ns, labelSelector: "app.kubernetes.io/managed-by=devup" });
    expect(left.items.map((c) => c.metadata?.name)).toEqual(["app-config"]);
    expect(await pruneObjects(kube, desired, { selector, namespace: ns })).toEqual([]);
  });

  it("turns a 422 into a DevupError naming the object and the invalid field", async () => {
    const broken = deployment(ns, "broken", image);
    const containers = (broken.spec as { template: { spec: { containers: { name: string }[] } } }).template.spec.containers;
    containers.push({ name: "sidecar" }); // no image
    await expect(applyObjects(kube, [broken])).rejects.toMatchObject({
      code: "E_KUBE",
      message: expect.stringMatching(new RegExp(`^applying Deployment ${ns}/broken: Deployment.apps "broken" is invalid`)) as unknown,
      details: expect.arrayContaining([expect.stringMatching(/^spec\.template\.spec\.containers\[1\]\.image: Required value/)]) as unknown,
    });
  });

  it("streams logs of the selected pods and picks up a new pod when following", async () => {
    const podSelector = { "app.kubernetes.io/name": "app", "devup.dev/project": ns };
    const once: LogLine[] = [];
    await streamLogs(kube, { namespace: ns, selector: podSelector, follow: false, onLine: (l) => once.push(l) });
    expect(once.map((l) => l.text)).toEqual([expect.stringMatching(/^listening on 8080 as app-/)]);

    const followed: LogLine[] = [];
    const stop = new AbortController();
    const following = streamLogs(kube, { namespace: ns, selector: podSelector, follow: true, tailLines: 5, onLine: (l) => followed.push(l), signal: stop.signal });
    await applyObjects(kube, [deployment(ns, "app", image, { replicas: 2 })]);
    const pods = await waitFor("log lines from two pods", () => {
      const names = new Set(followed.filter((l) => l.text.startsWith("listening")).map((l) => l.pod));
      return names.size === 2 ? names : undefined;
    });
    stop.abort();
    await following;
    expect([...pods].every((p) => p.startsWith("app-"))).toBe(true);
    expect(labels(ns, "app")["app.kubernetes.io/managed-by"]).toBe("devup");
  });
});
