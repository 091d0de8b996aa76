// Issue 6: `dev run-local` and `dev up` on the samples answer the same requests the same way.
// The same copy of the samples runs first as plain containers, then on the shared kind cluster,
// and the answers (bodies and statuses, uptime left out) are compared.
import { afterAll, beforeAll, expect, it } from "vitest";
import { e2eCluster } from "../harness.ts";
import { devJson, devLong, ofType, sampleProject, type SampleProject } from "../up/project.ts";
import { sampleAnswers } from "./process.ts";

const OFFSET = 11100;
let project: SampleProject;

beforeAll(async () => {
  e2eCluster();
  project = await sampleProject("rl-parity", OFFSET);
});

afterAll(async () => {
  if (project) {
    await devJson(project.dir, ["down"]);
    await project.cleanup();
  }
});

async function forwardsReady(events: ReturnType<typeof devLong>["events"]): Promise<void> {
  const deadline = Date.now() + 60_000;
  const ready = () => new Set(ofType(events, "engine.forward").filter((e) => (e.forward as { status: string }).status === "ready").map((e) => String(e.service)));
  while (ready().size < 3) {
    if (Date.now() > deadline) throw new Error(`forwards not ready: ${[...ready()].join(", ")}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

it("dev run-local and dev up answer the samples' requests the same way", async () => {
  const local = devLong(project.dir, ["run-local"]);
  await local.waitFor("summary", 5 * 60_000);
  const localAnswers = await sampleAnswers(OFFSET);
  local.process.kill("SIGINT");
  expect((await local.process).exitCode).toBe(0);

  const cluster = devLong(project.dir, ["up", "--no-watch"]);
  const summary = await cluster.waitFor("summary", 8 * 60_000);
  expect(summary.ready).toEqual(["accounts", "users", "website"]);
  await forwardsReady(cluster.events);
  const clusterAnswers = await sampleAnswers(OFFSET);
  cluster.process.kill("SIGINT");
  expect((await cluster.process).exitCode).toBe(0);

  expect(localAnswers).toEqual(clusterAnswers);
  expect((localAnswers.page as { body: string }).body).toContain("<li>ada — account 100 (team)</li>");
});
