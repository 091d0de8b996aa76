// `dev run-local` through the real CLI process on the real Docker engine: the samples come up as
// plain containers (dependencies first, healthy), answer as under `dev up`, resolve each other by
// service name, restart after a crash, and Ctrl-C removes the containers and the network.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectDocker } from "@devup/docker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devJson, devLong, ofType, positionOf, sampleProject, type SampleProject } from "../up/project.ts";
import { sampleAnswers } from "./process.ts";

const OFFSET = 11000;
const docker = connectDocker();
const byProject = { label: ["devup.dev/project=rl-shop"] };
let project: SampleProject;

beforeAll(async () => {
  project = await sampleProject("rl-shop", OFFSET);
});

afterAll(async () => {
  for (const c of await docker.listContainers({ all: true, filters: byProject })) await docker.getContainer(c.Id).remove({ force: true });
  for (const n of await docker.listNetworks({ filters: byProject })) await docker.getNetwork(n.Id).remove();
  await project?.cleanup();
});

async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe("dev run-local", () => {
  it("runs the samples as containers that answer like the cluster, until Ctrl-C removes them", async () => {
    const run = devLong(project.dir, ["run-local"]);
    const summary = await run.waitFor("summary", 5 * 60_000);
    expect(summary.ready).toEqual(["accounts", "users", "website"]);
    // dependsOn: accounts healthy before users starts; users healthy before website starts.
    const order = run.events.map((e) => `${e.type}:${String(e.service)}`);
    const at = (event: string) => positionOf(order, event);
    expect(at("run-local.healthy:accounts")).toBeLessThan(at("run-local.starting:users"));
    expect(at("run-local.healthy:users")).toBeLessThan(at("run-local.starting:website"));

    const answers = await sampleAnswers(OFFSET);
    expect(answers.users).toMatchObject({ status: 200 });
    expect(JSON.parse((answers.users as { body: string }).body)).toMatchObject({ count: 3 });
    expect((answers.accounts as { body: string }).body).toContain('"currency":"EUR"');
    // website → users and accounts by service name on the project network
    expect((answers.page as { body: string }).body).toContain("<li>ada — account 100 (team)</li>");
    expect(answers.usersInfo).toMatchObject({ greeting: "hello from users" });

    const containers = await docker.listContainers({ filters: byProject });
    expect(containers.map((c) => c.Names[0]).sort()).toEqual(["/devup-rl-shop-accounts", "/devup-rl-shop-users", "/devup-rl-shop-website"]);
    const ports = containers.flatMap((c) => c.Ports.filter((p) => p.PublicPort).map((p) => p.IP));
    expect(new Set(ports)).toEqual(new Set(["127.0.0.1"]));
    // Logs are aggregated with the service's name.
    await waitUntil("a website log line", () => ofType(run.events, "log").some((e) => e.service === "website" && String(e.line).includes('"msg":"page"')), 10_000);

    // A crash is restarted by Docker (the samples exit on SIGTERM).
    const accounts = docker.getContainer("devup-rl-shop-accounts");
    const exec = await accounts.exec({ Cmd: ["node", "-e", "process.kill(1, 'SIGTERM')"] });
    await exec.start({});
    await waitUntil("accounts restarted and healthy", async () => {
      const state = await accounts.inspect();
      return state.RestartCount >= 1 && state.State.Health?.Status === "healthy";
    }, 60_000);

    run.process.kill("SIGINT");
    const result = await run.process;
    expect(result.exitCode).toBe(0);
    expect(ofType(run.events, "stopped")[0]).toMatchObject({ kept: false, removed: ["devup-rl-shop-accounts", "devup-rl-shop-users", "devup-rl-shop-website"] });
    expect(await docker.listContainers({ all: true, filters: byProject })).toEqual([]);
    expect(await docker.listNetworks({ filters: byProject })).toEqual([]);
  });

  it("starts warm without builds, and --keep leaves the containers for the next run to replace", async () => {
    const run = devLong(project.dir, ["run-local", "--keep"]);
    await run.waitFor("summary", 2 * 60_000);
    expect(ofType(run.events, "engine.build").map((e) => `${String(e.service)}:${String(e.action)}`).sort()).toEqual(["accounts:skipped", "users:skipped", "website:skipped"]);
    expect(ofType(run.events, "engine.phase").filter((e) => e.phase === "building")).toEqual([]);
    run.process.kill("SIGINT");
    expect((await run.process).exitCode).toBe(0);
    expect(ofType(run.events, "stopped")[0]).toMatchObject({ kept: true });
    expect(await docker.listContainers({ filters: byProject })).toHaveLength(3);

    const again = devLong(project.dir, ["run-local"]);
    await again.waitFor("summary", 2 * 60_000);
    expect(ofType(again.events, "run-local.replaced")[0]?.containers).toEqual(["devup-rl-shop-accounts", "devup-rl-shop-users", "devup-rl-shop-website"]);
    again.process.kill("SIGINT");
    expect((await again.process).exitCode).toBe(0);
    expect(await docker.listContainers({ all: true, filters: byProject })).toEqual([]);
  });

  it("says which service never became healthy, with its last log lines, and removes what it started", async () => {
    const dir = await mkdtemp(join(tmpdir(), "devup-rl-broken-"));
    try {
      await writeFile(join(dir, "dev.yaml"), "name: rl-broken\n");
      for (const [name, yaml] of [
        ["db", "build: { context: . }\nports:\n  - { port: 8080, forward: 19990 }\nhealth:\n  http: { path: /health }\n  startupGrace: 1s\n  period: 1s\n  failureThreshold: 1\n"],
        ["api", "build: { context: . }\ndependsOn: [db]\n"],
      ] as const) {
        await mkdir(join(dir, "services", name), { recursive: true });
        await writeFile(join(dir, "services", name, "service.yaml"), yaml);
        await writeFile(join(dir, "services", name, "Dockerfile"), `FROM node:24-slim\nCMD ["node", "-e", "console.log('boom: no database'); setInterval(() => {}, 1000)"]\n`);
      }
      const { code, events } = await devJson(dir, ["run-local"]);
      expect(code).toBe(1);
      const error = ofType(events, "error")[0];
      expect(error).toMatchObject({ code: "E_TIMEOUT" });
      expect(String(error?.message)).toMatch(/^db did not become healthy within \d+ s: its health check did not pass/);
      expect((error?.details as string[]).join("\n")).toContain("log: boom: no database");
      expect(ofType(events, "run-local.starting").map((e) => e.service)).toEqual(["db"]);
      expect(await docker.listContainers({ all: true, filters: { label: ["devup.dev/project=rl-broken"] } })).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
