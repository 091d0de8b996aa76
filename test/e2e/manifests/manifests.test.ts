// A project whose services bring their own objects, on the real cluster through the real CLI: a
// Helm chart (Deployment + Service + ConfigMap + StatefulSet with a claim, values from the spec), a
// kustomize overlay (replicas, env patch), plain YAML with a CRD and one of its resources, and two
// built images injected into them. Removing an object from the YAML prunes it; `dev down` removes
// devup's objects and leaves an unrelated one in the namespace.
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKube, forwardService, type Kube } from "@devup/kube";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2E_CLUSTER, e2eCluster, repoRoot, type E2ECluster } from "../harness.ts";
import { devJson, devUp, ofType } from "../up/project.ts";

let cluster: E2ECluster;
let dir: string;
let kube: Kube;
const NAMESPACE = "mixed-e2e";

beforeAll(async () => {
  cluster = e2eCluster();
  kube = createKube({ kubeconfigPath: cluster.kubeconfig, context: cluster.context });
  dir = await mkdtemp(join(tmpdir(), "devup-manifests-"));
  await cp(join(repoRoot, "test/fixtures/manifests"), dir, { recursive: true });
  const devYaml = await readFile(join(dir, "dev.yaml"), "utf8");
  await writeFile(join(dir, "dev.yaml"), devYaml.replace("name: mixed\n", `name: ${NAMESPACE}\ncluster: { name: ${E2E_CLUSTER} }\n`));
}, 300_000);

afterAll(async () => {
  if (dir) {
    await devJson(dir, ["down", "--volumes"]);
    await rm(dir, { recursive: true, force: true });
  }
  // dev down keeps a manifests project's namespace (it may hold what others put there): this test's goes.
  await kube?.core.deleteNamespace({ name: NAMESPACE }).catch(() => undefined);
});

async function get(service: string, port: string, path: string): Promise<string> {
  const forward = await forwardService(kube, { namespace: NAMESPACE, service, port, localPort: 0 });
  try {
    const res = await fetch(`http://127.0.0.1:${forward.localPort}${path}`, { signal: AbortSignal.timeout(5000) });
    return await res.text();
  } finally {
    await forward.close();
  }
}

describe("manifests: Helm, kustomize and plain YAML in the same loop", () => {
  it("all come up with the injected content-tagged images; a removed object is pruned", async () => {
    const first = await devJson(dir, ["apply", "--timeout", "240"]);
    expect(first.code, `${first.stderr}\n${JSON.stringify(first.events.filter((e) => e.type.includes("failed")))}`).toBe(0);

    const web = await kube.apps.readNamespacedDeployment({ name: "web", namespace: NAMESPACE });
    const webImage = web.spec!.template.spec!.containers[0]!.image!;
    expect(webImage).toMatch(/\/mixed-e2e-web:[0-9a-f]{16}$/);
    expect(web.metadata!.labels).toMatchObject({ "app.kubernetes.io/managed-by": "devup", "devup.dev/service": "web" });
    const store = await kube.apps.readNamespacedStatefulSet({ name: "web-store", namespace: NAMESPACE });
    expect(store.status?.readyReplicas).toBe(1);
    expect(store.spec!.template.spec!.containers[0]!.image).toBe(webImage);
    const claim = await kube.core.readNamespacedPersistentVolumeClaim({ name: "data-web-store-0", namespace: NAMESPACE });
    expect(claim.spec!.resources!.requests!.storage).toBe("64Mi");

    const worker = await kube.apps.readNamespacedDeployment({ name: "worker", namespace: NAMESPACE });
    expect(worker.status?.readyReplicas).toBe(2);
    expect(worker.spec!.template.spec!.containers[0]!.image).toMatch(/\/mixed-e2e-worker:[0-9a-f]{16}$/);
    expect(worker.spec!.template.spec!.containers[0]!.env).toEqual([{ name: "MODE", value: "dev-overlay" }]);

    const pods = await kube.core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: "app=web" });
    expect(pods.items.map((p) => p.status?.containerStatuses?.[0]?.image)).toContain(webImage);
    expect(await get("web", "http", "/")).toBe("web: hello from the spec\n");

    const gadget = await kube.objects.read({ apiVersion: "fixtures.devup.dev/v1", kind: "Gadget", metadata: { name: "sprocket", namespace: NAMESPACE } });
    expect((gadget as unknown as { spec: { size: number } }).spec.size).toBe(3);

    // Remove the ConfigMap from the plain YAML: the next apply prunes it; an unrelated object stays.
    await kube.core.createNamespacedConfigMap({ namespace: NAMESPACE, body: { metadata: { name: "not-devups" }, data: { a: "b" } } });
    const infra = join(dir, "infra/10-gadget.yaml");
    await writeFile(infra, (await readFile(infra, "utf8")).split("---\n")[0]!);
    const second = await devJson(dir, ["apply", "--timeout", "240"]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.events.filter((e) => e.type === "engine.pruned").flatMap((e) => e.objects as string[])).toEqual(["ConfigMap/shared-settings"]);
    await expect(kube.core.readNamespacedConfigMap({ name: "shared-settings", namespace: NAMESPACE })).rejects.toThrow();
    expect((await kube.core.readNamespacedConfigMap({ name: "not-devups", namespace: NAMESPACE })).data).toEqual({ a: "b" });

    // dev down removes devup's objects (the custom resource included) and leaves the unrelated one.
    const down = await devJson(dir, ["down"]);
    expect(down.code, down.stderr).toBe(0);
    await expect(kube.apps.readNamespacedDeployment({ name: "web", namespace: NAMESPACE })).rejects.toThrow();
    await expect(kube.apps.readNamespacedStatefulSet({ name: "web-store", namespace: NAMESPACE })).rejects.toThrow();
    await expect(kube.apps.readNamespacedDeployment({ name: "worker", namespace: NAMESPACE })).rejects.toThrow();
    await expect(kube.objects.read({ apiVersion: "fixtures.devup.dev/v1", kind: "Gadget", metadata: { name: "sprocket", namespace: NAMESPACE } })).rejects.toThrow();
    expect((await kube.core.readNamespacedConfigMap({ name: "not-devups", namespace: NAMESPACE })).data).toEqual({ a: "b" });
  }, 900_000);

  it("dev up: the forward answers, a source edit syncs into the Helm-deployed pods, a chart edit re-renders, a Dockerfile edit rebuilds and rolls, dev rollback restores it", async () => {
    const webImage = async () => (await kube.apps.readNamespacedDeployment({ name: "web", namespace: NAMESPACE })).spec!.template.spec!.containers[0]!.image!;
    const run = devUp(dir, ["--no-tui"]);
    let previous: string | undefined;
    try {
      await run.waitFor("watching", 10 * 60_000);
      const forwarded = async () => (await fetch("http://127.0.0.1:18491/", { signal: AbortSignal.timeout(5000) })).text();
      for (let i = 0; i < 50 && !(await forwarded().catch(() => "")).startsWith("web:"); i++) await new Promise((r) => setTimeout(r, 200));
      expect(await forwarded()).toBe("web: hello from the spec\n");
      const first = await webImage();
      await new Promise((r) => setTimeout(r, 500)); // the watcher's first scan
      const before = run.events.length;
      const since = (type: string) => ofType(run.events.slice(before), type);
      const until = async (what: () => boolean, ms: number, label: string) => {
        const end = Date.now() + ms;
        while (!what()) {
          if (Date.now() > end) throw new Error(`${label} within ${ms} ms; last events: ${JSON.stringify(run.events.slice(-6))}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      };

      // A source edit under the sync rule: copied into the running pods, no build.
      const server = join(dir, "services/web/src/server.js");
      await writeFile(server, `${await readFile(server, "utf8")}// edited\n`);
      await until(() => since("engine.synced").some((e) => e.service === "web" && Number(e.pods) >= 1), 60_000, "no sync of web");
      expect(since("engine.build").filter((e) => e.service === "web" && e.action === "built")).toEqual([]);

      // A chart template edit: rendered again and applied.
      const cm = join(dir, "services/web/chart/templates/configmap.yaml");
      await writeFile(cm, `${await readFile(cm, "utf8")}  EXTRA: "from-the-chart"\n`);
      await until(() => since("engine.ready").some((e) => e.service === "web"), 120_000, "web not re-applied after the chart edit");
      expect((await kube.core.readNamespacedConfigMap({ name: "web-settings", namespace: NAMESPACE })).data).toMatchObject({ EXTRA: "from-the-chart" });

      // (chart/ and src/ are in web's build context: the re-render also built the edited sources' tag.)
      previous = await webImage();
      // A Dockerfile edit: built, delivered, rolled; the pods run the new content tag.
      const readyBefore = since("engine.ready").length;
      const dockerfile = join(dir, "services/web/Dockerfile");
      await writeFile(dockerfile, (await readFile(dockerfile, "utf8")).replace("ENV PORT=8080", `ENV PORT=8080 BUILD=${Date.now()}`));
      await until(() => since("engine.build").some((e) => e.service === "web" && e.action === "built") && since("engine.ready").filter((e) => e.service === "web").length > readyBefore, 5 * 60_000, "web not rebuilt and ready");
      const second = await webImage();
      expect(second).not.toBe(first);
      expect(second).not.toBe(previous);
      expect(second).toMatch(/\/mixed-e2e-web:[0-9a-f]{16}$/);
    } finally {
      run.process.kill("SIGINT");
      await run.process;
    }

    const back = await devJson(dir, ["rollback", "web", "--timeout", "180"]);
    expect(back.code, back.stderr).toBe(0);
    expect(ofType(back.events, "rollback")[0]).toMatchObject({ service: "web" });
    // The revision before the Dockerfile edit.
    expect(await webImage()).toBe(previous);
  }, 900_000);
});
