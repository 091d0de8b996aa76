// `dev up` on a real kind cluster, through the real CLI process: the samples come up and answer,
// a second run builds and delivers nothing, one change rolls one service, failures are explained
// in words while the other services come up, dependencies go first, removed services are pruned,
// and a context devup did not create is refused.
import { createKube } from "@devup/kube";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { e2eCluster, type E2ECluster } from "../harness.ts";
import { devJson, devUp, ofType, positionOf, sampleProject, type DevEvent, type SampleProject } from "./project.ts";

let cluster: E2ECluster;
let project: SampleProject;

beforeAll(async () => {
  cluster = e2eCluster();
  project = await sampleProject("e2e-shop", 10000);
});

afterAll(async () => {
  if (project) {
    await devJson(project.dir, ["down"]);
    await project.cleanup();
  }
});

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: await res.text() };
}

const actionsOf = (events: DevEvent[], type: string) => ofType(events, type).map((e) => `${String(e.service)}:${String(e.action)}`).sort();

async function generations(namespace: string): Promise<Record<string, number>> {
  const kube = createKube({ kubeconfigPath: cluster.kubeconfig, context: cluster.context });
  const list = await kube.apps.listNamespacedDeployment({ namespace });
  return Object.fromEntries(list.items.map((d) => [d.metadata!.name!, d.metadata!.generation!]));
}

describe("dev up on a real cluster", () => {
  it("brings the samples up and serves them through port-forwards until Ctrl-C", async () => {
    const run = devUp(project.dir);
    const summary = await run.waitFor("summary", 8 * 60_000);
    expect(summary.ready).toEqual(["accounts", "users", "website"]);
    // Each forward reports "ready" once it has a ready pod behind it.
    const deadline = Date.now() + 60_000;
    const readyForwards = () => new Set(ofType(run.events, "engine.forward").filter((e) => (e.forward as { status: string }).status === "ready").map((e) => String(e.service)));
    while (readyForwards().size < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect([...readyForwards()].sort()).toEqual(["accounts", "users", "website"]);
    const users = await get("http://127.0.0.1:18081/v2/users");
    expect(users.status).toBe(200);
    expect(JSON.parse(users.body)).toMatchObject({ count: 3 });
    expect((await get("http://127.0.0.1:18082/accounts")).body).toContain('"currency":"EUR"');
    const page = await get("http://127.0.0.1:18080/");
    expect(page.body).toContain("<li>ada — account 100 (team)</li>"); // website → users and accounts inside the cluster
    // dependsOn: accounts ready before users is applied; users ready before website is applied.
    const order = run.events.map((e) => `${e.type}:${String(e.service)}:${typeof e.phase === "string" ? e.phase : ""}`);
    const at = (event: string) => positionOf(order, event);
    expect(at("engine.ready:accounts:")).toBeLessThan(at("engine.phase:users:applying"));
    expect(at("engine.ready:users:")).toBeLessThan(at("engine.phase:website:applying"));
    // A second dev up (or apply) in the same project is refused while this one runs.
    const second = await devJson(project.dir, ["apply"]);
    expect(second.code).toBe(2);
    const refusal = ofType(second.events, "error")[0];
    expect(refusal?.message).toBe(`another dev up (pid ${run.process.pid}) is running for this project (environment local)`);
    expect(ofType(second.events, "engine.build")).toEqual([]);
    run.process.kill("SIGINT");
    const result = await run.process;
    expect(result.exitCode).toBe(0);
    expect(ofType(run.events, "stopped")[0]?.message).toMatch(new RegExp(`^stopped 3 forwards\\. Still running: the cluster ${cluster.name} `));
  });

  it("does zero builds and zero deliveries when nothing changed", async () => {
    const { code, events } = await devJson(project.dir, ["apply"]);
    expect(code).toBe(0);
    expect(actionsOf(events, "engine.build")).toEqual(["accounts:skipped", "users:skipped", "website:skipped"]);
    expect(actionsOf(events, "engine.delivery")).toEqual(["accounts:skipped", "users:skipped", "website:skipped"]);
  });

  it("rebuilds and rolls only the service that changed", async () => {
    const before = await generations("e2e-shop");
    // A change no earlier run made (images are cached by content across runs).
    await project.edit("services/users/src/server.js", '"/health": () => [200, { status: "ok" }],', `"/health": () => [200, { status: "ok", edited: ${Date.now()} }],`);
    const { code, events } = await devJson(project.dir, ["apply"]);
    expect(code).toBe(0);
    expect(actionsOf(events, "engine.build")).toEqual(["accounts:skipped", "users:built", "website:skipped"]);
    expect(actionsOf(events, "engine.delivery")).toEqual(["accounts:skipped", "users:delivered", "website:skipped"]);
    const after = await generations("e2e-shop");
    expect(after.users).toBe(before.users! + 1);
    expect(after.accounts).toBe(before.accounts);
    expect(after.website).toBe(before.website);
  });

  it("explains a crash loop and a wrong image in words, and the other services still come up", async () => {
    await project.edit("dev.yaml", "environments:", [
      "services:",
      "  crasher:",
      "    build: { context: services/crasher }",
      "  ghost:",
      "    image: devup.local/no-such-image:1",
      "environments:",
    ].join("\n"));
    const { mkdir, writeFile } = await import("node:fs/promises");
    await mkdir(`${project.dir}/services/crasher`, { recursive: true });
    await writeFile(`${project.dir}/services/crasher/Dockerfile`, 'FROM node:24-slim\nCMD ["node", "-e", "console.log(\'boom: no database\'); process.exit(3)"]\n');
    const { code, events } = await devJson(project.dir, ["apply", "--timeout", "180"]);
    expect(code).toBe(1);
    const failures = Object.fromEntries(ofType(events, "engine.failed").map((e) => [String(e.service), e.error as { message: string; details: string[] }]));
    expect(Object.keys(failures).sort()).toEqual(["crasher", "ghost"]);
    expect(failures.crasher!.message).toMatch(/crasher.*crash/i);
    expect(failures.crasher!.message).toMatch(/3/);
    expect(failures.crasher!.details.join("\n")).toContain("boom: no database");
    expect(failures.ghost!.message).toMatch(/ghost.*image.*devup\.local\/no-such-image:1/i);
    expect(ofType(events, "summary")[0]?.ready).toEqual(["accounts", "users", "website"]);
  });

  it("prunes what left the spec", async () => {
    await project.edit("dev.yaml", /services:\n {2}crasher:[\s\S]*?environments:/, "environments:");
    const { code, events } = await devJson(project.dir, ["apply"]);
    expect(code).toBe(0);
    const pruned = (ofType(events, "engine.pruned")[0]?.objects ?? []) as string[];
    expect(pruned).toEqual(expect.arrayContaining(["Deployment/crasher", "Deployment/ghost"]));
  });

  it("refuses a kubeconfig context it did not create", async () => {
    await project.edit("dev.yaml", "environments:", "environments:\n  prod:\n    cluster: { provider: context, context: someone-elses-cluster, registry: registry.example.test/shop }");
    const { code, events } = await devJson(project.dir, ["apply", "--env", "prod"]);
    expect(code).toBe(2);
    const error = ofType(events, "error")[0];
    expect(error).toMatchObject({ code: "E_CONTEXT_NOT_ALLOWED" });
    expect(String(error?.message)).toContain("someone-elses-cluster");
  });
});
