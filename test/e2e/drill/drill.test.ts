// `dev drill` on a real cluster through the real CLI: the samples deployed (dev apply), then a serving
// pod deleted and a rolling restart of the 2-replica users service under bounded traffic (127.0.0.1
// only) — no failed request, back to full strength — and the 1-replica accounts service, whose
// drill names the spec line to change. Prints the figures.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2E_CLUSTER } from "../harness.ts";
import { devJson, ofType, sampleProject, type DevEvent, type SampleProject } from "../up/project.ts";

let project: SampleProject;
const figures: string[] = [];

interface Traffic {
  via: string;
  requests: number;
  failed: number;
  longestGapMs: number;
}

interface ServiceResult {
  service: string;
  traffic: Traffic[];
  backToFullMs: number | null;
  findings: Array<{ expectation: string; message: string }>;
}
/** The drill's result for its one service (pod and rollout drills watch one), with the event's other fields. */
const drillOf = (events: DevEvent[]) => {
  const e = ofType(events, "drill")[0] as (DevEvent & { disrupted: string; services: ServiceResult[] }) | undefined;
  return e ? { ...e, ...e.services[0]! } : undefined;
};
const figure = (name: string, d: ReturnType<typeof drillOf>) =>
  `${name}: ${d?.traffic.map((t) => `${t.via} ${t.failed}/${t.requests} failed, longest gap ${t.longestGapMs} ms`).join("; ")}; back to full strength in ${d?.backToFullMs} ms`;

beforeAll(async () => {
  project = await sampleProject("drill-shop", 23000);
  await project.edit("services/users/service.yaml", "metrics: {}", "metrics: {}\nreplicas: 2");
  const applied = await devJson(project.dir, ["apply"]);
  expect(applied.code, applied.stderr).toBe(0);
}, 10 * 60_000);

afterAll(async () => {
  console.log(`drill figures:\n  ${figures.join("\n  ")}`);
  if (project) {
    await devJson(project.dir, ["down"]);
    await project.cleanup();
  }
});

describe("dev drill", () => {
  it("deletes a serving pod of a 2-replica service: no request fails and it is back to full strength", async () => {
    const { code, events, stderr } = await devJson(project.dir, ["drill", "pod", "users", "--seconds", "90"]);
    const d = drillOf(events);
    figures.push(figure("drill pod users (2 replicas)", d));
    expect(code, `${stderr}\n${JSON.stringify(ofType(events, "error"))}`).toBe(0);
    expect(d?.disrupted).toMatch(/^deleted the serving pod users-/);
    const forward = d?.traffic.find((t) => t.via === "forward");
    expect(forward?.requests).toBeGreaterThan(20);
    expect(forward?.failed).toBe(0);
    expect(d?.backToFullMs).toBeGreaterThan(0);
    expect(d?.findings.map((f) => f.expectation)).not.toContain("replicas");
    expect(d?.findings.map((f) => f.expectation)).not.toContain("health");
  }, 3 * 60_000);

  it("restarts every pod of the service under traffic (a rolling restart) without a failed request", async () => {
    const { code, events, stderr } = await devJson(project.dir, ["drill", "rollout", "users", "--seconds", "120"]);
    const d = drillOf(events);
    figures.push(figure("drill rollout users (2 replicas)", d));
    expect(code, `${stderr}\n${JSON.stringify(ofType(events, "error"))}`).toBe(0);
    expect(d?.traffic.find((t) => t.via === "forward")?.failed).toBe(0);
    expect(d?.backToFullMs).toBeGreaterThan(0);
  }, 3 * 60_000);

  it("says what a 1-replica service lacks, with the spec line to change", async () => {
    const { events } = await devJson(project.dir, ["drill", "pod", "accounts", "--seconds", "90"]);
    const d = drillOf(events);
    figures.push(figure("drill pod accounts (1 replica)", d));
    const replicas = d?.findings.find((f) => f.expectation === "replicas");
    expect(replicas?.message).toMatch(/^accounts runs 1 replica: .* Set replicas: 2 \(or more\) at services\/accounts\/service\.yaml/);
    expect(ofType(events, "drill.finding").map((e) => e.expectation)).toContain("replicas");
    expect(d?.backToFullMs).toBeGreaterThan(0);
  }, 3 * 60_000);

  it("refuses to drain the only node of a one-node cluster, and a node that does not exist", async () => {
    const only = await devJson(project.dir, ["drill", "node", `${E2E_CLUSTER}-control-plane`]);
    expect(only.code).toBe(2);
    expect(ofType(only.events, "error")[0]).toMatchObject({ code: "E_USAGE", message: "the cluster has one node: draining it leaves nowhere for the pods to go" });
    const none = await devJson(project.dir, ["drill", "node", "no-such-node"]);
    expect(ofType(none.events, "error")[0]?.message).toBe('the cluster has no node "no-such-node"');
  });

  it("refuses a service that does not exist, naming the ones that do", async () => {
    const { code, events } = await devJson(project.dir, ["drill", "pod", "nope"]);
    expect(code).toBe(2);
    expect(ofType(events, "error")[0]).toMatchObject({ code: "E_USAGE", message: 'no service is named "nope"' });
  });
});
