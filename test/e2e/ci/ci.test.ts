// `dev ci` on a real cluster through the real CLI: the samples come up, each service's test command
// runs as a Job inside the cluster (reaching the services by their DNS names), a summary is printed
// and everything is removed; a failing test fails the run with its log lines; --keep leaves it all.
import { createKube, type Kube } from "@devup/kube";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { e2eCluster } from "../harness.ts";
import { devJson, ofType, sampleProject, type SampleProject } from "../up/project.ts";

let project: SampleProject;
let kube: Kube;

beforeAll(async () => {
  const cluster = e2eCluster();
  kube = createKube({ kubeconfigPath: cluster.kubeconfig, context: cluster.context });
  project = await sampleProject("ci-shop", 22000);
});

afterAll(async () => {
  if (project) {
    await devJson(project.dir, ["down"]);
    await project.cleanup();
  }
});

/** Whether the namespace exists and is not on its way out. Only a 404 means gone: any other error fails the test. */
async function namespaceLives(name: string): Promise<boolean> {
  try {
    const ns = await kube.core.readNamespace({ name });
    return !ns.metadata?.deletionTimestamp;
  } catch (error) {
    if ((error as { code?: unknown }).code === 404) return false;
    throw error;
  }
}

describe("dev ci", () => {
  it("deploys, runs every test as a Job, prints a summary, exits 0 and removes what it deployed", async () => {
    const { code, events, stderr } = await devJson(project.dir, ["ci"]);
    expect(code, `${stderr}\n${JSON.stringify(ofType(events, "error"))}`).toBe(0);
    const summary = ofType(events, "ci.summary")[0];
    expect(summary?.results).toEqual([
      expect.objectContaining({ service: "accounts", passed: true }),
      expect.objectContaining({ service: "users", passed: true }),
      expect.objectContaining({ service: "website", passed: true }),
    ]);
    // The users test reached users and its dependency through their Service names, and its lines were streamed.
    const lines = ofType(events, "ci.test-line").filter((e) => e.service === "users").map((e) => String(e.message));
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^\[users test\] GET http:\/\/users:8080\/v1\/users → 200 \["ada"/), expect.stringMatching(/^\[users test\] GET http:\/\/accounts:8080\/health → 200/)]));
    expect(ofType(events, "ci.step").map((e) => e.step)).toEqual(["up", "tests", "down"]);
    expect(ofType(events, "engine.forward")).toEqual([]);
    expect(await namespaceLives("ci-shop")).toBe(false);
  });

  it("fails when a test fails, naming the service with its log lines; --keep leaves the workloads", async () => {
    await project.edit("services/users/service.yaml", '"http://users:8080/v1/users"', '"http://users:8080/no-such-route"');
    const { code, events } = await devJson(project.dir, ["ci", "--keep"]);
    expect(code).toBe(1);
    const error = ofType(events, "error")[0];
    expect(error).toMatchObject({ code: "E_TEST_FAILED" });
    expect(String(error?.message)).toContain("users");
    const details = (error?.details as string[]).join("\n");
    expect(String(error?.message), details).not.toContain("website");
    expect(details).toContain("users: the test command exited with code 1");
    expect(details).toContain("[users test] GET http://users:8080/no-such-route → 404");
    const summary = ofType(events, "ci.summary")[0]?.results as Array<{ service: string; passed: boolean }>;
    expect(summary.map((r) => `${r.service}:${r.passed}`)).toEqual(["accounts:true", "users:false", "website:true"]);
    expect(ofType(events, "ci.step").map((e) => e.step)).toEqual(["up", "tests", "keep"]);

    expect(await namespaceLives("ci-shop")).toBe(true);
    const deployments = await kube.apps.listNamespacedDeployment({ namespace: "ci-shop" });
    expect(deployments.items.map((d) => d.metadata?.name).sort()).toEqual(["accounts", "users", "website"]);
    const down = await devJson(project.dir, ["down"]);
    expect(down.code).toBe(0);
    expect(ofType(down.events, "down")[0]?.removed).toEqual(expect.arrayContaining(["Job/users-test-" + String((ofType(events, "ci.test-start").find((e) => e.service === "users")?.job as string).split("-test-")[1])]));
    expect(await namespaceLives("ci-shop")).toBe(false);
  });
});
