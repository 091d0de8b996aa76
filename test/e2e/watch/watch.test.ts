// The inner loop on a real cluster through the real CLI: `dev up` watches; an edit under a sync
// rule is copied into the running pod and the process restarted (no rebuild); an edit outside the
// sync rules rebuilds and rolls; an invalid spec edit is reported and the last good version keeps
// serving; a service added by a spec edit comes up with its forward, which closes when it is removed. Prints the measured edit → served times.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKube } from "@devup/kube";
import { e2eCluster, type E2ECluster } from "../harness.ts";
import { devJson, devUp, ofType, sampleProject, servedWithin, type SampleProject } from "../up/project.ts";

let project: SampleProject;
let cluster: E2ECluster;
const INFO = "http://127.0.0.1:20081/info"; // users: 8081 + 12000

beforeAll(async () => {
  cluster = e2eCluster();
  project = await sampleProject("w-shop", 12000);
});

afterAll(async () => {
  if (project) {
    await devJson(project.dir, ["down"]);
    await project.cleanup();
  }
});

async function info(): Promise<Record<string, unknown> | undefined> {
  try {
    const res = await fetch(INFO, { signal: AbortSignal.timeout(2000) });
    return res.ok ? ((await res.json()) as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

describe("dev up watches and updates", () => {
  it("syncs, rebuilds, survives an invalid spec edit, and forwards a service a spec edit adds", async () => {
    const run = devUp(project.dir);
    await run.waitFor("forwarding", 10 * 60_000);
    await servedWithin(INFO, () => true, 60_000);
    await run.waitFor("watching", 10_000);
    await new Promise((r) => setTimeout(r, 500)); // the watcher's first scan
    const before = run.events.length;
    const since = (type: string) => ofType(run.events.slice(before), type);

    // 1. Sync path: src/ is synced to /app/src and the process restarted.
    const syncTimes: number[] = [];
    const syncedAt: number[] = [];
    for (let i = 1; i <= 3; i++) {
      const edited = Date.now();
      const seen = since("engine.synced").length;
      const watchSynced = (async () => {
        while (since("engine.synced").length === seen && Date.now() - edited < 60_000) await new Promise((r) => setTimeout(r, 10));
        syncedAt.push(Date.now() - edited);
      })();
      await project.edit("services/users/src/server.js", /\[200, \{ service: "users",( edit: \d+,)? version/, `[200, { service: "users", edit: ${i}, version`);
      syncTimes.push(await servedWithin(INFO, (b) => b.edit === i, 60_000));
      await watchSynced;
    }
    expect(since("engine.synced").length).toBeGreaterThanOrEqual(3);
    expect(since("engine.build").filter((e) => e.service === "users" && e.action === "built")).toEqual([]);
    const trigger = ofType(run.events, "engine.update-start").find((e) => e.service === "users" && (e.trigger as string[]).includes("services/users/src/server.js"));
    expect(trigger).toBeDefined();

    // A pod that is replaced starts from the image (without the synced edits): it gets them again.
    const kube = createKube({ kubeconfigPath: cluster.kubeconfig, context: cluster.context });
    const pods = await kube.core.listNamespacedPod({ namespace: "w-shop", labelSelector: "app.kubernetes.io/name=users" });
    const deleted = Date.now();
    await Promise.all(pods.items.map((p) => kube.core.deleteNamespacedPod({ namespace: "w-shop", name: p.metadata!.name!, gracePeriodSeconds: 0 })));
    await new Promise((r) => setTimeout(r, 1000)); // the old pod is gone (grace period 0)
    await servedWithin(INFO, (b) => b.edit === 3 && Number(b.uptimeSeconds) < 30, 90_000);
    // The new pod may serve the kept synced files before the next re-sync tick (every 2 s) reports it.
    const resynced = () => run.events.some((e) => e.type === "log" && String(e.message).includes("re-synced"));
    for (const until = Date.now() + 10_000; !resynced() && Date.now() < until; ) await new Promise((r) => setTimeout(r, 100));
    expect(resynced()).toBe(true);
    console.log(`a replaced pod served the synced code again ${Date.now() - deleted} ms after the delete`);

    // 2. Rebuild path: the Dockerfile is outside the sync rules.
    const version = `rebuilt-${Date.now()}`; // a new content tag on every run, so it is really built
    await project.edit("services/users/Dockerfile", "ENV PORT=8080", `ENV PORT=8080 APP_VERSION=${version}`);
    const rebuildMs = await servedWithin(INFO, (b) => b.version === version && b.edit === 3, 5 * 60_000);
    expect(since("engine.build").some((e) => e.service === "users" && e.action === "built")).toBe(true);

    // 3. An invalid spec edit: errors reported, the last good version still served.
    await project.edit("services/users/service.yaml", "metrics: {}", "metrics: {}\nreplicas: lots");
    const invalid = await run.waitFor("engine.spec-invalid", 30_000);
    expect(JSON.stringify(invalid.errors)).toContain("replicas");
    expect(await info()).toMatchObject({ version, edit: 3 });

    // 4. A spec edit that adds a service brings it up with its forward; removing it closes the forward.
    await project.edit("services/users/service.yaml", "metrics: {}\nreplicas: lots", "metrics: {}");
    const { mkdir, writeFile } = await import("node:fs/promises");
    await mkdir(`${project.dir}/services/extra`, { recursive: true });
    await writeFile(`${project.dir}/services/extra/Dockerfile`, `FROM node:24-slim\nCMD ["node", "-e", "require('http').createServer((q, r) => r.end('extra ${Date.now()}')).listen(8080)"]\n`);
    await project.edit("dev.yaml", "environments:", "services:\n  extra:\n    build: { context: services/extra }\n    ports:\n      - { port: 8080, forward: 22090 }\nenvironments:");
    const extra = async () => fetch("http://127.0.0.1:22090/", { signal: AbortSignal.timeout(2000) }).then((r) => r.text(), () => undefined);
    const addedAt = Date.now();
    while (!(await extra())?.startsWith("extra") && Date.now() - addedAt < 5 * 60_000) await new Promise((r) => setTimeout(r, 200));
    expect(await extra()).toMatch(/^extra/);
    await project.edit("dev.yaml", /services:\n {2}extra:[\s\S]*?environments:/, "environments:");
    const removedAt = Date.now();
    while ((await extra()) !== undefined && Date.now() - removedAt < 60_000) await new Promise((r) => setTimeout(r, 200));
    expect(await extra()).toBeUndefined();
    expect(since("engine.forward").some((e) => e.service === "extra" && (e.forward as { status: string }).status === "stopped")).toBe(true);
    expect(await info()).toMatchObject({ version, edit: 3 });

    const sorted = [...syncTimes].sort((a, b) => a - b);
    const syncSteps = since("engine.synced").map((e) => e.durationMs as number);
    console.log(`edit → served: sync ${syncTimes.join(", ")} ms (median ${sorted[1]} ms; edit → synced and restarted: ${syncedAt.join(", ")} ms, of which the copy and restart: ${syncSteps.join(", ")} ms); rebuild ${rebuildMs} ms`);
    run.process.kill("SIGINT");
    expect((await run.process).exitCode).toBe(0);
  });
});
