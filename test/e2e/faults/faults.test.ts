// Runtime faults under one real `dev up` of the samples (own namespace, own forwards, bounded
// 127.0.0.1 traffic): a busy forward port (said before any build; forward up ≤ 5 s after it frees),
// a second `dev up` refused, pod kills on a 2-replica (0 failed) and a 1-replica service, a secret
// edit served, a crash through a rebuild (one build per change, no loop), and Ctrl-C during a
// rebuild (exit ≤ 2 s, no build process left). Prints the figures.
//
// Left out, with reasons: the registry-stopped case (dev up takes its registry from
// scripts/cluster/ensure, the shared devup-registry, which must not be stopped; the kind load
// fallback is covered at the library level by test/e2e/cluster/deliver.test.ts), and the Docker
// engine restart (the engine is shared by everything on this machine).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKube, type Kube } from "@devup/kube";
import { e2eCluster } from "../harness.ts";
import { devJson, devUp, ofType, positionOf, sampleProject, type DevProcess, type SampleProject } from "../up/project.ts";
import { describeTraffic, traffic } from "./traffic.ts";

const NS = "f-faults";
const USERS = "http://127.0.0.1:15081"; // 8081 + 7000
const ACCOUNTS = "http://127.0.0.1:15082";
const WEBSITE_PORT = 15080;
const figures: string[] = [];

let project: SampleProject;
let kube: Kube;
let run: DevProcess | undefined;

beforeAll(async () => {
  const cluster = e2eCluster();
  kube = createKube({ kubeconfigPath: cluster.kubeconfig, context: cluster.context });
  project = await sampleProject(NS, 7000);
  await project.edit("services/users/service.yaml", "metrics: {}", "metrics: {}\nreplicas: 2");
  await writeFile(join(project.dir, "services/users/secret.env"), "API_TOKEN=first-token\n", { mode: 0o600 });
});

afterAll(async () => {
  if (run) {
    run.process.kill("SIGINT"); // a no-op when it has exited already
    await run.process;
  }
  console.log(`fault figures:\n  ${figures.join("\n  ")}`);
  if (project) {
    await devJson(project.dir, ["down"]);
    await project.cleanup();
  }
});

const get = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(2000) }).then(
    async (r) => (r.ok ? ((await r.json()) as Record<string, unknown>) : undefined),
    () => undefined,
  );

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return { value, ms: Date.now() - start };
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function readyPods(app: string): Promise<string[]> {
  const { items } = await kube.core.listNamespacedPod({ namespace: NS, labelSelector: `app.kubernetes.io/name=${app}` });
  return items.filter((p) => !p.metadata?.deletionTimestamp && p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")).map((p) => p.metadata!.name!);
}

/** Kills one pod at a time (a normal delete), waiting for all replicas to be ready again in between, under traffic. */
async function podKills(app: string, url: string, kills: number, replicas: number, settleMs = 0): Promise<string> {
  let done = false;
  const load = traffic(url, { maxMs: 180_000, maxRequests: 5000, everyMs: 20, until: () => done });
  try {
    for (let i = 0; i < kills; i++) {
      const pods = await until(`${replicas} ready ${app} pods`, async () => ((await readyPods(app)).length === replicas ? readyPods(app) : undefined), 90_000);
      await kube.core.deleteNamespacedPod({ namespace: NS, name: pods.value[0]! });
      await new Promise((r) => setTimeout(r, 1500));
    }
    await until(`${replicas} ready ${app} pods`, async () => (await readyPods(app)).length === replicas, 90_000);
    await new Promise((r) => setTimeout(r, settleMs));
  } finally {
    done = true;
  }
  const t = await load;
  figures.push(`${kills} pod kills of ${app} (${replicas} replica${replicas === 1 ? "" : "s"}): ${describeTraffic(t)}`);
  return `${t.failed}`;
}

describe("runtime faults under dev up", () => {
  it("a busy forward port is said before any build, and the forward is up within 5 s after the port frees", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(WEBSITE_PORT, "127.0.0.1", resolve));
    run = devUp(project.dir);
    await run.waitFor("forwarding", 10 * 60_000);
    const order = run.events.map((e) => e.type);
    // Said before the cluster is even looked at, so before any build (built or up to date, each service says one).
    expect(positionOf(order, "forward-port-busy")).toBeLessThan(positionOf(order, "engine.cluster"));
    expect(positionOf(order, "forward-port-busy")).toBeLessThan(positionOf(order, "engine.build"));
    const freed = Date.now();
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    const up = await until("the website forward", () => fetch(`http://127.0.0.1:${WEBSITE_PORT}/`, { signal: AbortSignal.timeout(1000) }).then(() => true, () => false), 15_000);
    figures.push(`busy port: said before any build; forward up ${Date.now() - freed} ms after the port freed (polled ${up.ms} ms)`);
    expect(Date.now() - freed).toBeLessThanOrEqual(5000 + 500);
  }, 12 * 60_000);

  it("a second dev up in the same project is refused, naming the first one's pid", async () => {
    const second = await devJson(project.dir, ["up"]);
    expect(second.code).toBe(2);
    expect(`${second.stderr}${JSON.stringify(second.events)}`).toMatch(/another dev up \(pid \d+\) is running for this project/);
    figures.push("second dev up: refused (exit 2) with the holder's pid");
  }, 60_000);

  it("dev validate --cluster reports the ingress routes another project on the cluster claims (and not the project's own)", async () => {
    const other = await sampleProject("f-other", 7500);
    try {
      const conflict = await devJson(other.dir, ["validate", "--cluster"]);
      const said = `${conflict.stderr}${JSON.stringify(conflict.events)}`;
      expect(conflict.code).toBe(1);
      expect(said).toContain("claimed by another namespace");
      expect(said).toContain(`in namespace ${NS}`);
      // dev status of the second project says who else claims each route.
      const status = await devJson(other.dir, ["status"]);
      const routes = (ofType(status.events, "status")[0]?.ingress as { routes: Array<{ service: string; claimedBy?: string }> } | undefined)?.routes ?? [];
      expect(routes.find((r) => r.service === "website")?.claimedBy, status.stderr).toMatch(new RegExp(`(^|, )Ingress \\S+ in namespace ${NS}(, |$)`));
      const own = await devJson(project.dir, ["validate", "--cluster"]);
      expect(own.code).toBe(0);
      figures.push(`ingress conflict: dev validate --cluster in a second project: exit ${conflict.code}; the running project's own: exit ${own.code}`);
    } finally {
      await other.cleanup();
    }
  }, 60_000);

  it("pod kills: at most 1 failed request on the 2-replica service; the 1-replica service's gap is measured", async () => {
    await run!.waitFor("watching", 30_000);
    await until("users serves", () => get(`${USERS}/health`), 60_000);
    // 0 is the aim: idle kept-alive connections now move to the other pod instead of being closed
    // (closing lost 1 of 301, 1 of 431; moved: 0 of 365). One is tolerated for a pod watch event that
    // arrives after the restart wrapper's 1 s drain on a loaded machine; more is a regression.
    expect(Number(await podKills("users", `${USERS}/health`, 5, 2))).toBeLessThanOrEqual(1);
    await podKills("accounts", `${ACCOUNTS}/health`, 1, 1, 5000);
  }, 10 * 60_000);

  it("a secret edit reaches the pods (the new value is served)", async () => {
    const fingerprint = (v: string) => createHash("sha256").update(v).digest("hex").slice(0, 8);
    expect((await until("users info", () => get(`${USERS}/info`), 30_000)).value.tokenFingerprint).toBe(fingerprint("first-token"));
    const edited = Date.now();
    await writeFile(join(project.dir, "services/users/secret.env"), "API_TOKEN=second-token\n", { mode: 0o600 });
    await until("the new secret served", async () => (await get(`${USERS}/info`))?.tokenFingerprint === fingerprint("second-token"), 120_000);
    figures.push(`secret edit: the new value served ${Date.now() - edited} ms after the edit`);
  }, 3 * 60_000);

  it("pods that replace others serve the synced code from their first answer, not the image's", async () => {
    await project.edit("services/users/src/server.js", '[200, { service: "users", version', '[200, { service: "users", pending: true, version');
    await until("the synced edit served", async () => (await get(`${USERS}/info`))?.pending === true, 60_000);
    const old = await readyPods("users");
    await Promise.all(old.map((name) => kube.core.deleteNamespacedPod({ namespace: NS, name, gracePeriodSeconds: 0 })));
    const counts = { synced: 0, stale: 0, failed: 0, fromNewPods: 0 };
    const start = Date.now();
    while (Date.now() - start < 60_000 && counts.synced + counts.stale + counts.failed < 600 && counts.fromNewPods < 20) {
      const body = await get(`${USERS}/info`);
      if (!body) counts.failed++;
      else if (body.pending === true) counts.synced++;
      else counts.stale++;
      if (body && Number(body.uptimeSeconds) < 60) counts.fromNewPods++;
      await new Promise((r) => setTimeout(r, 100));
    }
    figures.push(`stale code after both pods were replaced: ${counts.stale} stale answers, ${counts.synced} with the synced code (${counts.fromNewPods} from the new pods), ${counts.failed} failed`);
    expect(counts.fromNewPods).toBeGreaterThan(0);
    expect(counts.stale).toBe(0);
  }, 3 * 60_000);

  it("a crash through a rebuild (with synced files pending) is built once per change, not in a loop", async () => {
    const p = run!;
    await until("the synced edit served", async () => (await get(`${USERS}/info`))?.pending === true, 60_000);
    const before = p.events.length;
    const since = (type: string) => ofType(p.events.slice(before), type).filter((e) => e.service === "users");
    await project.edit("services/users/Dockerfile", 'CMD ["node", "src/server.js"]', 'CMD ["node", "-e", "console.error(\\"crashing on purpose\\"); process.exit(4)"]');
    const failed = await until("the crash reported", () => Promise.resolve(since("engine.failed")[0]), 180_000);
    const failedAt = Date.now();
    let t = await traffic(`${USERS}/health`, { maxMs: 30_000, maxRequests: 300, everyMs: 100 });
    const builds = since("engine.build").length; // built, or up to date from an earlier run: one per change either way
    const updates = since("engine.update-start").length;
    figures.push(`crash through rebuild (synced files pending): reported ${failed.ms} ms after the edit (${JSON.stringify((failed.value as { error?: { message?: string } }).error?.message)}); in the 30 s after: ${builds} build(s), ${updates} update(s); the old pods kept serving: ${describeTraffic(t)}`);
    expect(builds).toBe(1);
    expect(updates).toBe(1);
    expect(Date.now() - failedAt).toBeGreaterThanOrEqual(30_000 - 1000);
    await project.edit("services/users/Dockerfile", /CMD \["node", "-e".*\]/, 'CMD ["node", "src/server.js"]');
    await until("users ready again", () => Promise.resolve(since("engine.ready").length > 0), 180_000);
    t = await traffic(`${USERS}/info`, { maxMs: 5000, maxRequests: 20, everyMs: 200 });
    expect(t.ok).toBeGreaterThan(0);
  }, 8 * 60_000);

  it("Ctrl-C during a rebuild exits within 2 s, cancels the build and says where it left things", async () => {
    const p = run!;
    const before = p.events.length;
    await project.edit("services/users/Dockerfile", "WORKDIR /app", "WORKDIR /app\nRUN sleep 37.5");
    await until("the slow step running", () => Promise.resolve(ofType(p.events.slice(before), "engine.build-line").some((e) => String(e.line).includes("sleep 37.5"))), 120_000);
    await new Promise((r) => setTimeout(r, 1000));
    const stopped = Date.now();
    p.process.kill("SIGINT");
    const r = await p.process;
    const exitMs = Date.now() - stopped;
    await new Promise((res) => setTimeout(res, 3000));
    const left = (() => {
      try {
        return execFileSync("pgrep", ["-f", "sleep 37.5"], { encoding: "utf8" }).trim();
      } catch {
        return "";
      }
    })();
    const said = p.events.find((e) => e.type === "log" && String(e.message).includes("update stopped"));
    if (r.exitCode !== 0) console.log(`dev up ended ${String(r.exitCode)}/${String(r.signal)}; last events: ${JSON.stringify(p.events.slice(-8))}`);
    figures.push(`Ctrl-C during a rebuild: exited ${r.exitCode} after ${exitMs} ms; build processes left 3 s later: ${left ? left.split("\n").length : 0}; said: ${String(said?.message)}`);
    expect(exitMs).toBeLessThanOrEqual(2000);
    expect(left).toBe("");
    expect(String(said?.message)).toContain("while building: the build was cancelled");
    expect(p.events.some((e) => e.type === "stopped" && String(e.message).includes("Still running: the cluster"))).toBe(true);
  }, 5 * 60_000);
});
