// The cluster deleted under a running `dev up`: named in words within 15 s, with the way to create
// it again (outside a terminal: a hint; on one, dev up asks y/N), no "[object Object]", and no
// false "Still running: the cluster" at exit. Deletes the test's cluster, so it runs only on a
// cluster of its own (DEVUP_E2E_CLUSTER set, not a shared name); the next file recreates it.
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2E_CLUSTER, e2eCluster, offlineTools } from "../harness.ts";
import { devUp, sampleProject, type SampleProject } from "../up/project.ts";

const SHARED = new Set(["devup", "devup-e2e"]);
const own = Boolean(process.env.DEVUP_E2E_CLUSTER) && !SHARED.has(E2E_CLUSTER);
let project: SampleProject | undefined;

beforeAll(async () => {
  if (!own) return;
  e2eCluster();
  project = await sampleProject("f-gone", 8000);
});

afterAll(async () => {
  await project?.cleanup();
});

describe("the cluster deleted under dev up", () => {
  it.skipIf(!own)("is named in words with the way to recreate it, and the exit does not claim it still runs", async () => {
    const run = devUp(project!.dir);
    await run.waitFor("watching", 10 * 60_000);
    const deleted = Date.now();
    execFileSync(offlineTools().kind, ["delete", "cluster", "--name", E2E_CLUSTER], { stdio: "ignore" });
    const gone = await run.waitFor("cluster-gone", 30_000);
    const namedMs = Date.now() - deleted;
    const hint = await run.waitFor("hint", 5000);
    run.process.kill("SIGINT");
    const r = await run.process;
    const stopped = run.events.find((e) => e.type === "stopped");
    console.log(`cluster deleted under dev up: named ${namedMs} ms after the delete ("${String(gone.message)}"); hint: "${String(hint.message)}"; at exit: "${String(stopped?.message)}" (exit ${r.exitCode})`);
    expect(namedMs).toBeLessThanOrEqual(15_000);
    expect(String(gone.message)).toContain(`the cluster ${E2E_CLUSTER} is gone`);
    expect(String(hint.message)).toContain("dev up");
    expect(String(stopped?.message)).toContain(`The cluster ${E2E_CLUSTER} no longer exists`);
    expect(String(stopped?.message)).not.toContain("Still running");
    expect(JSON.stringify(run.events)).not.toContain("[object Object]");
  }, 15 * 60_000);
});
