// blueGreen releases on the real cluster through the real CLI, under bounded traffic (127.0.0.1, a
// forward to the Service): a new release comes up in the idle slot and the Service switches with no
// failed request; a release that fails its check is scaled to 0 and traffic stays; with promote:
// manual the release waits until `dev promote`. Prints the figures.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKube, forwardService, type Forward, type Kube } from "@devup/kube";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2E_CLUSTER, e2eCluster } from "../harness.ts";
import { devJson, ofType } from "../up/project.ts";
import { editSpec, getVersion, replicasOf as replicasOfSlot, slotOf as slotOfService, writeReleaseApp } from "./release-app.ts";

const NAME = "bg-shop";
let dir: string;
let kube: Kube;
let forward: Forward;
const figures: string[] = [];

/** Sequential GETs through the forward while `during` runs (at most 3000): the answers in order. */
async function under<T>(during: () => Promise<T>): Promise<{ result: T; answers: string[] }> {
  const answers: string[] = [];
  let running = true;
  const loop = (async () => {
    for (let i = 0; running && i < 3000; i++) {
      answers.push(await get(forward.localPort));
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    const result = await during();
    for (let i = 0; i < 10; i++) answers.push(await get(forward.localPort));
    return { result, answers };
  } finally {
    running = false;
    await loop;
  }
}

const failures = (answers: string[]) => answers.filter((a) => !/^v\d+$/.test(a));
const slotOf = () => slotOfService(kube, NAME);
const replicasOf = (slot: string) => replicasOfSlot(kube, NAME, slot);
const edit = (from: string | RegExp, to: string) => editSpec(dir, from, to);
const get = (port: number) => getVersion(port);

beforeAll(async () => {
  const cluster = e2eCluster();
  kube = createKube({ kubeconfigPath: cluster.kubeconfig, context: cluster.context });
  dir = await mkdtemp(join(tmpdir(), "devup-bg-"));
  await writeFile(join(dir, "dev.yaml"), `name: ${NAME}\ncluster:\n  name: ${E2E_CLUSTER}\n`);
  await writeReleaseApp(dir, "", "  strategy: blueGreen\n  verify:\n    http: { path: /release-check }\n");
  const first = await devJson(dir, ["apply"]);
  expect(first.code, `${first.stderr}\n${JSON.stringify(ofType(first.events, "error"))}`).toBe(0);
  forward = await forwardService(kube, { namespace: NAME, service: "api", port: "http", localPort: 0 });
}, 10 * 60_000);

afterAll(async () => {
  console.log(`blue/green figures:\n  ${figures.join("\n  ")}`);
  await forward?.close();
  if (dir) {
    await devJson(dir, ["down"]);
    await rm(dir, { recursive: true, force: true });
  }
});

describe("blueGreen releases", () => {
  it("serves the first release from blue", async () => {
    expect(await slotOf()).toBe("blue");
    expect(await get(forward.localPort)).toBe("v1");
  });

  it("brings a new release up in green, checks it, and switches the Service at once with no failed request", async () => {
    await edit("VERSION: v1", "VERSION: v2");
    const { result, answers } = await under(() => devJson(dir, ["apply"]));
    figures.push(`switch blue → green: ${answers.length} requests, ${failures(answers).length} failed, ${answers.filter((a) => a === "v1").length} answered v1, then ${answers.filter((a) => a === "v2").length} v2`);
    expect(result.code, result.stderr).toBe(0);
    expect(result.events.map((e) => (typeof e.message === "string" ? e.message : ""))).toEqual(expect.arrayContaining([expect.stringMatching(/green passed its check/), expect.stringMatching(/switched the traffic from blue to green/)]));
    expect(failures(answers)).toEqual([]);
    // v1 until the switch, v2 after it, never back.
    const firstV2 = answers.indexOf("v2");
    expect(firstV2).toBeGreaterThan(0);
    expect(answers.slice(firstV2).every((a) => a === "v2")).toBe(true);
    expect(await slotOf()).toBe("green");
    expect(await replicasOf("blue")).toBe(1); // idle, for dev rollback
  }, 5 * 60_000);

  it("does not switch to a release that fails its check: it is scaled to 0 and the traffic stays", async () => {
    await edit("VERSION: v2", "VERSION: v3");
    await edit('BROKEN: "0"', 'BROKEN: "1"');
    const { result, answers } = await under(() => devJson(dir, ["apply"]));
    figures.push(`failed check in blue: exit ${result.code}; ${answers.length} requests, ${failures(answers).length} failed, ${answers.filter((a) => a === "v3").length} answered v3`);
    expect(result.code).toBe(1);
    expect(JSON.stringify(ofType(result.events, "engine.failed"))).toContain("the new release (blue) failed its check GET /release-check: HTTP 500; traffic stays on green");
    expect(failures(answers)).toEqual([]);
    expect(answers.every((a) => a === "v2")).toBe(true);
    expect(await slotOf()).toBe("green");
    expect(await replicasOf("blue")).toBe(0);
  }, 5 * 60_000);

  it("with promote: manual, waits beside the live release until dev promote switches to it", async () => {
    await edit('BROKEN: "1"', 'BROKEN: "0"');
    await edit("VERSION: v3", "VERSION: v4");
    await edit("rollout:\n", "rollout:\n  promote: manual\n");
    const applied = await devJson(dir, ["apply"]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.events.map((e) => (typeof e.message === "string" ? e.message : ""))).toEqual(expect.arrayContaining([expect.stringMatching(/blue is ready and checked beside green, reachable as Service api-preview: dev promote api/)]));
    expect(await slotOf()).toBe("green");
    expect(await get(forward.localPort)).toBe("v2");
    const { result, answers } = await under(() => devJson(dir, ["promote", "api"]));
    figures.push(`dev promote green → blue: ${answers.length} requests, ${failures(answers).length} failed`);
    expect(result.code, result.stderr).toBe(0);
    expect(ofType(result.events, "promote")[0]).toMatchObject({ from: "green", to: "blue" });
    expect(failures(answers)).toEqual([]);
    expect(await slotOf()).toBe("blue");
    expect(answers.at(-1)).toBe("v4");
  }, 5 * 60_000);

  it("dev status says which slot serves and what the other holds; dev drill disrupts the serving slot", async () => {
    const status = await devJson(dir, ["status"]);
    const row = (ofType(status.events, "status")[0]?.services as Array<{ service: string; release?: string; image?: string }>)[0];
    expect(row?.release).toMatch(/^blueGreen: blue serves; green 1\/1 ready, idle/);
    const drill = await devJson(dir, ["drill", "pod", "api", "--seconds", "60"]);
    expect(String(ofType(drill.events, "drill")[0]?.disrupted)).toMatch(/^deleted the serving pod api-blue-/);
  }, 3 * 60_000);
});
