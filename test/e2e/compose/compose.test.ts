// Imported compose projects on the real cluster and in run-local (issue 13's proof), through the real
// CLI process: each of test/fixtures/compose-e2e/* is imported with `dev import compose`, comes up with
// `dev up` and answers through its forwards. (a) a TCP "database" on 5432 with no declared port, queried
// by name; (b) a config file mounted over one file of the image, the image's other file still there;
// (c) a named volume whose file survives `dev down` + `dev up`, and Ctrl-C + `dev run-local` again;
// (b) and (c) also under `dev run-local`.
// Ports 24080-24082 (this file's range: 24000-24999).
import { appendFile, cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectDocker } from "@devup/docker";
import { createKube } from "@devup/kube";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2E_CLUSTER, e2eCluster, repoRoot, type E2ECluster } from "../harness.ts";
import { devJson, devLong, devUp, ofType, type DevEvent, type DevProcess } from "../up/project.ts";

const FIXTURES = ["tcp-db", "config-file", "named-volume"] as const;
type Fixture = (typeof FIXTURES)[number];
const dirs = {} as Record<Fixture, string>;
const imports = {} as Record<Fixture, { code: number; stderr: string; events: DevEvent[] }>;
let cluster: E2ECluster;

beforeAll(async () => {
  cluster = e2eCluster();
  // What an earlier, interrupted run may have left: this file's run-local containers and volumes.
  const docker = connectDocker();
  for (const c of await docker.listContainers({ all: true, filters: { name: ["devup-cmp-"] } })) await docker.getContainer(c.Id).remove({ force: true });
  for (const v of (await docker.listVolumes({ filters: { name: ["devup-cmp-"] } })).Volumes ?? []) await docker.getVolume(v.Name).remove({ force: true });
  for (const f of FIXTURES) {
    const dir = await mkdtemp(join(tmpdir(), `devup-compose-${f}-`));
    await cp(join(repoRoot, "test/fixtures/compose-e2e", f), dir, { recursive: true });
    imports[f] = await devJson(dir, ["import", "compose"]);
    await appendFile(join(dir, "dev.yaml"), `cluster:\n  name: ${E2E_CLUSTER}\n`);
    dirs[f] = dir;
  }
});

afterAll(async () => {
  for (const run of started) {
    // kill() on an exited process is a no-op; awaiting an exited one resolves at once.
    run.process.kill("SIGINT");
    await run.process;
  }
  for (const f of FIXTURES) {
    if (!dirs[f]) continue;
    await devJson(dirs[f], ["down", "--volumes"]);
    await rm(dirs[f], { recursive: true, force: true });
  }
});

async function get(url: string, init: RequestInit = {}): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: await res.text() };
}

/**
 * The first answer that `done` accepts, or the last one after 60 s: a service is ready before every
 * node's proxy rules send its Service's traffic to it (and compose promises no order without depends_on).
 */
async function settled(url: string, done: (r: { status: number; body: string }) => boolean): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    // A refused or reset connection is "not yet" too (a published port answers before its process
    // listens); after the deadline the last error is thrown.
    const r = await get(url).catch((error: unknown) => {
      if (Date.now() > deadline) throw error;
      return undefined;
    });
    if (r && (done(r) || Date.now() > deadline)) return r;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** `dev up` until its summary and the forward of `service` is ready. */
async function upAndForward(dir: string, service: string): Promise<DevProcess> {
  const run = track(devUp(dir, ["--no-watch"]));
  await run.waitFor("summary", 5 * 60_000);
  const deadline = Date.now() + 60_000;
  const ready = () => ofType(run.events, "engine.forward").some((e) => e.service === service && (e.forward as { status: string }).status === "ready");
  while (!ready()) {
    if (Date.now() > deadline) {
      const said = run.events.filter((e) => ["engine.forward", "summary", "error", "engine.failed", "log"].includes(e.type)).slice(-12);
      throw new Error(`the forward of ${service} is not ready: ${JSON.stringify(said)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return run;
}

/** Every dev process a test started: a test that fails before stopping its own leaves none behind. */
const started: DevProcess[] = [];
const track = (run: DevProcess): DevProcess => (started.push(run), run);

async function stop(run: DevProcess): Promise<void> {
  run.process.kill("SIGINT");
  expect((await run.process).exitCode).toBe(0);
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

describe("imported compose projects", () => {
  it("import cleanly: every project validates, and the portless services got their ports", () => {
    for (const f of FIXTURES) expect(imports[f].code, `${f}: ${imports[f].stderr}`).toBe(0);
    expect(imports["tcp-db"].stderr + JSON.stringify(imports["tcp-db"].events)).toMatch(/ports 5432 added from EXPOSE/);
  });

  it("(a) a TCP database on 5432 with no declared port answers the web, which queries it by name", async () => {
    const began = Date.now();
    const run = await upAndForward(dirs["tcp-db"], "web");
    const page = await settled("http://127.0.0.1:24080/", (r) => r.status === 200);
    expect(page.status, page.body).toBe(200);
    expect(page.body).toMatch(/^db says: rows=42 host=db-/); // the pod's name: it came from the cluster's db
    await stop(run);
    console.log(`compose e2e (a) tcp-db: dev up to answer ${seconds(began)}`);
  });

  it("(b) a config file mounted over one file of the image leaves the image's other file there", async () => {
    const began = Date.now();
    const run = await upAndForward(dirs["config-file"], "web");
    const page = await settled("http://127.0.0.1:24081/", (r) => r.body.includes("backend: hello"));
    expect(page.body).toBe("mime.conf: mime=kept from the image\nsite.conf: greeting=from the mounted file\nbackend: hello from backend\n");
    await stop(run);
    console.log(`compose e2e (b) config-file: dev up to answer ${seconds(began)}`);
  });

  it("(b) in dev run-local too: the config file replaces one file, the image's other file stays", async () => {
    const began = Date.now();
    const run = track(devLong(dirs["config-file"], ["run-local", "--no-watch"]));
    await run.waitFor("summary", 3 * 60_000);
    const page = await settled("http://127.0.0.1:24081/", (r) => r.body.includes("backend: hello"));
    expect(page.body).toBe("mime.conf: mime=kept from the image\nsite.conf: greeting=from the mounted file\nbackend: hello from backend\n");
    await stop(run);
    console.log(`compose e2e (b) config-file in run-local: run to answer ${seconds(began)}`);
  });

  it("(c) a named volume keeps its file across dev down + dev up; dev down says it kept the claim", async () => {
    const began = Date.now();
    const note = `kept across down ${Date.now()}`;
    const dir = dirs["named-volume"];
    let run = await upAndForward(dir, "web");
    expect((await settled("http://127.0.0.1:24082/", (r) => r.status !== 502)).body).toBe("no note\n");
    expect(await get("http://127.0.0.1:24082/", { method: "PUT", body: note })).toEqual({ status: 200, body: "saved\n" });
    await stop(run);

    const down = await devJson(dir, ["down"]);
    expect(down.code).toBe(0);
    const result = ofType(down.events, "down")[0]!;
    expect(result.volumesKept).toMatchObject({ claims: ["store-data"] });
    expect(result.removed).toEqual(expect.arrayContaining(["Deployment/store", "Deployment/web"]));
    expect(String(result.message)).toMatch(/kept 1 volume and its data: PersistentVolumeClaim store-data .*dev down --volumes removes them/);
    const kube = createKube({ kubeconfigPath: cluster.kubeconfig, context: cluster.context });
    expect((await kube.apps.listNamespacedDeployment({ namespace: "cmp-named-volume" })).items).toEqual([]);

    run = await upAndForward(dir, "web");
    expect(await settled("http://127.0.0.1:24082/", (r) => r.status !== 502)).toEqual({ status: 200, body: note });
    const claim = await kube.core.readNamespacedPersistentVolumeClaim({ name: "store-data", namespace: "cmp-named-volume" });
    expect(claim.status?.phase).toBe("Bound");
    expect(claim.spec?.storageClassName).toBeTruthy(); // the cluster's default class filled it in
    await stop(run);
    console.log(`compose e2e (c) named-volume on the cluster: up, write, down, up, read ${seconds(began)}`);
  });

  it("(c) in dev run-local: the Docker volume keeps the file across Ctrl-C, and dev down --volumes removes both volumes and says which", async () => {
    const began = Date.now();
    const note = `kept across run-local ${Date.now()}`;
    const dir = dirs["named-volume"];
    const docker = connectDocker();
    const volumeName = "devup-cmp-named-volume-local-store-data";
    let run = track(devLong(dir, ["run-local", "--no-watch"]));
    await run.waitFor("summary", 3 * 60_000);
    expect((await settled("http://127.0.0.1:24082/", (r) => r.status !== 502)).body).toBe("no note\n"); // a fresh volume
    expect(await get("http://127.0.0.1:24082/", { method: "PUT", body: note })).toEqual({ status: 200, body: "saved\n" });
    await stop(run);
    expect(ofType(run.events, "stopped")[0]).toMatchObject({ kept: false, volumesKept: [volumeName] });
    expect((await docker.getVolume(volumeName).inspect()).Labels).toMatchObject({ "devup.dev/project": "cmp-named-volume", "devup.dev/volume": "data" });

    run = track(devLong(dir, ["run-local", "--no-watch"]));
    await run.waitFor("summary", 3 * 60_000);
    expect(await settled("http://127.0.0.1:24082/", (r) => r.status !== 502)).toEqual({ status: 200, body: note });
    await stop(run);

    const down = await devJson(dir, ["down", "--volumes"]);
    expect(down.code).toBe(0);
    const result = ofType(down.events, "down")[0]!;
    expect(result.volumesRemoved).toEqual({ claims: ["store-data"], docker: [volumeName] });
    expect(String(result.message)).toMatch(/removed 2 volumes and their data: PersistentVolumeClaim store-data, Docker volume devup-cmp-named-volume-local-store-data/);
    expect(result.namespaceRemoved).toBe(true);
    await expect(docker.getVolume(volumeName).inspect()).rejects.toMatchObject({ statusCode: 404 });
    console.log(`compose e2e (c) named-volume in run-local: run, write, stop, run, read, down --volumes ${seconds(began)}`);
  });
});
