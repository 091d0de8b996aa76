// canary releases on a real kind cluster of their own (devup-canary-e2e, ingress on 127.0.0.1:18600;
// the shared e2e cluster maps no ingress port; deleted afterwards unless DEVUP_KEEP_CLUSTER)
// through the real CLI: a release that fails its check never gets traffic (v1 keeps serving); a good
// one gets 10 % of the ingress traffic, measured by counting answers by version over 200 requests;
// dev abort sends it back; dev promote gives it all traffic; dev rollback gives the previous release all
// traffic at once. Prints the figures.
//
// Tolerance: 10 % ± 3 points (14 to 26 of 200). Traefik's weighted round robin is deterministic and
// smooth (earliest-deadline-first over the weights), so 200 requests to a steady 90/10 split give 20
// answers from the canary; the band leaves room for a configuration reload mid-run (each one starts the
// schedule afresh) while a split that is off (e.g. 50 %, or 0 %) still fails.
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKube, type Kube } from "@devup/kube";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlineTools } from "../harness.ts";
import { devJson, ofType } from "../up/project.ts";
import { editSpec, getVersion, replicasOf as replicasOfSlot, slotOf as slotOfService, writeReleaseApp } from "./release-app.ts";

const NAME = "canary-shop";
const CLUSTER = "devup-canary-e2e";

function clusterExists(): boolean {
  return execFileSync(offlineTools().kind, ["get", "clusters"], { encoding: "utf8" }).split("\n").includes(CLUSTER);
}

function deleteCluster(): void {
  if (clusterExists()) execFileSync(offlineTools().kind, ["delete", "cluster", "--name", CLUSTER], { stdio: "inherit" });
}
const HTTP_PORT = 18600;
const HOST = "shop.localhost";
const REQUESTS = 200;
let dir: string;
let kube: Kube;
const figures: string[] = [];

const edit = (from: string | RegExp, to: string) => editSpec(dir, from, to);
/** One GET through the ingress (127.0.0.1 only, Host header): the version that answered, or what went wrong. */
const get = () => getVersion(HTTP_PORT, HOST);

/** `count` sequential GETs, at most 60 s in all: answers counted by version. */
async function sample(count: number): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const deadline = Date.now() + 60_000;
  for (let i = 0; i < count && Date.now() < deadline; i++) {
    const a = await get();
    counts.set(a, (counts.get(a) ?? 0) + 1);
  }
  return counts;
}

/** Polls (at most 90 s) until `accept` takes a run of answers: Traefik picks up a changed object within seconds. */
async function until(what: string, accept: (answers: string[]) => boolean, run = 20): Promise<void> {
  const deadline = Date.now() + 90_000;
  let last: string[] = [];
  while (Date.now() < deadline) {
    last = [];
    for (let i = 0; i < run; i++) last.push(await get());
    if (accept(last)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what}: not within 90 s; the last answers: ${last.join(", ")}`);
}

const show = (counts: Map<string, number>) => [...counts].map(([k, v]) => `${k}: ${v}`).join(", ");
const slotOf = () => slotOfService(kube, NAME);
const replicasOf = (slot: string) => replicasOfSlot(kube, NAME, slot);
const messages = (events: Array<Record<string, unknown>>) => events.map((e) => (typeof e.message === "string" ? e.message : ""));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "devup-canary-"));
  await writeFile(join(dir, "dev.yaml"), `name: ${NAME}\ncluster:\n  name: ${CLUSTER}\n  ingress:\n    httpPort: ${HTTP_PORT}\n`);
  await writeReleaseApp(dir, `ingress:\n  - host: ${HOST}\n`, "  strategy: canary\n  steps: [10, 100]\n  promote: manual\n  verify:\n    http: { path: /release-check }\n");
  // The cluster is this test's own: dev apply creates it (with the ingress port mapping) when missing.
  const first = await devJson(dir, ["apply"]);
  expect(first.code, `${first.stderr}\n${JSON.stringify(ofType(first.events, "error"))}\n${JSON.stringify(ofType(first.events, "engine.failed"))}`).toBe(0);
  const { kind } = offlineTools();
  const config = join(dir, "kubeconfig");
  await writeFile(config, execFileSync(kind, ["get", "kubeconfig", "--name", CLUSTER], { encoding: "utf8" }));
  kube = createKube({ kubeconfigPath: config, context: `kind-${CLUSTER}` });
}, 15 * 60_000);

afterAll(async () => {
  console.log(`canary figures:\n  ${figures.join("\n  ")}`);
  if (dir) {
    await devJson(dir, ["down"]);
    await rm(dir, { recursive: true, force: true });
  }
  if (!process.env.DEVUP_KEEP_CLUSTER) deleteCluster();
}, 3 * 60_000);

describe("canary releases", () => {
  it("serves the first release (v1, blue) through the IngressRoute", async () => {
    await until("v1 through the ingress", (a) => a.every((x) => x === "v1"));
    expect(await slotOf()).toBe("blue");
  }, 3 * 60_000);

  it("a release failing its check gets no traffic: scaled to 0, v1 keeps serving", async () => {
    await edit("VERSION: v1", "VERSION: v2");
    await edit('BROKEN: "0"', 'BROKEN: "1"');
    const r = await devJson(dir, ["apply"]);
    const counts = await sample(50);
    figures.push(`failed check: exit ${r.code}; then ${show(counts)} of 50`);
    expect(r.code).toBe(1);
    expect(JSON.stringify(ofType(r.events, "engine.failed"))).toContain("the canary (green) failed its check GET /release-check before the 10 % step: HTTP 500; all traffic is back on blue and green was scaled to 0");
    expect(counts.get("v1")).toBe(50);
    expect(await slotOf()).toBe("blue");
    expect(await replicasOf("green")).toBe(0);
  }, 5 * 60_000);

  it(`at the 10 % step, about 10 % of ${REQUESTS} requests through the ingress answer from the canary (v2)`, async () => {
    await edit('BROKEN: "1"', 'BROKEN: "0"');
    const r = await devJson(dir, ["apply"]);
    expect(r.code, r.stderr).toBe(0);
    expect(ofType(r.events, "engine.release").at(-1)).toMatchObject({ service: "api", stable: "blue", canary: "green", weight: 10 });
    expect(messages(r.events)).toEqual(expect.arrayContaining([expect.stringMatching(/holding at 10 %: dev promote api moves green to 100 %/)]));
    // Traefik has the new weights once the canary answers at all.
    await until("a first v2 answer", (a) => a.includes("v2"), 30);
    const counts = await sample(REQUESTS);
    const v2 = counts.get("v2") ?? 0;
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    figures.push(`10 % step: ${show(counts)} of ${total} (v2 ${((100 * v2) / total).toFixed(1)} %, tolerance 10 % ± 3 points)`);
    expect(total).toBe(REQUESTS);
    expect((counts.get("v1") ?? 0) + v2).toBe(REQUESTS); // no failed request
    expect(v2).toBeGreaterThanOrEqual(14);
    expect(v2).toBeLessThanOrEqual(26);
    expect(await slotOf()).toBe("blue"); // in-cluster traffic stays on the stable version until 100 %
    const status = await devJson(dir, ["status"]);
    const row = (ofType(status.events, "status")[0]?.services as Array<{ service: string; release?: string }>)[0];
    figures.push(`dev status: ${row?.release}`);
    expect(row?.release).toMatch(/^canary: green gets 10 % of the ingress traffic \(1\/1 ready\), blue 90 %/);
  }, 5 * 60_000);

  it("dev apply again, nothing changed, leaves the canary held at 10 % (no start over)", async () => {
    const r = await devJson(dir, ["apply"]);
    expect(r.code, r.stderr).toBe(0);
    expect(ofType(r.events, "engine.release").map((e) => e.weight)).toEqual([10]);
    expect(messages(r.events)).toEqual(expect.arrayContaining([expect.stringMatching(/still holding at 10 %/)]));
  }, 3 * 60_000);

  it("dev abort sends all traffic back to v1 and scales the canary to 0", async () => {
    const r = await devJson(dir, ["abort", "api"]);
    expect(r.code, r.stderr).toBe(0);
    await until("all v1 again", (a) => a.every((x) => x === "v1"), 30);
    const counts = await sample(50);
    figures.push(`after dev abort: ${show(counts)} of 50`);
    expect(counts.get("v1")).toBe(50);
    expect(await replicasOf("green")).toBe(0);
  }, 3 * 60_000);

  it("dev promote moves the canary from 10 % to 100 %: v2 answers everything and the Service switches", async () => {
    const again = await devJson(dir, ["apply"]);
    expect(again.code, again.stderr).toBe(0);
    expect(ofType(again.events, "engine.release").at(-1)).toMatchObject({ canary: "green", weight: 10 });
    await until("v2 back at 10 %", (a) => a.includes("v2"), 30);
    const r = await devJson(dir, ["promote", "api"]);
    expect(r.code, r.stderr).toBe(0);
    expect(ofType(r.events, "promote")[0]).toMatchObject({ from: "blue", to: "green", weight: 100 });
    await until("all v2", (a) => a.every((x) => x === "v2"), 30);
    const counts = await sample(REQUESTS);
    figures.push(`after dev promote: ${show(counts)} of ${REQUESTS}`);
    expect(counts.get("v2")).toBe(REQUESTS);
    expect(await slotOf()).toBe("green");
    expect(await replicasOf("blue")).toBe(1); // idle, for dev rollback
  }, 5 * 60_000);

  it("dev rollback gives the previous release (v1) all traffic at once, no steps", async () => {
    const r = await devJson(dir, ["rollback", "api"]);
    expect(r.code, r.stderr).toBe(0);
    expect(ofType(r.events, "engine.release").map((e) => [e.stable, e.canary, e.weight])).toEqual([["blue", undefined, 0]]);
    await until("all v1 after the rollback", (a) => a.every((x) => x === "v1"), 30);
    const counts = await sample(REQUESTS);
    figures.push(`after dev rollback: ${show(counts)} of ${REQUESTS}`);
    expect(counts.get("v1")).toBe(REQUESTS);
    expect(await slotOf()).toBe("blue");
  }, 5 * 60_000);
});
