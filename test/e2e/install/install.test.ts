// devup as a user installs it: the packed CLI in an empty npm prefix, `dev init` and `dev up` in a
// project outside this repository through DOCKER_HOST, and a second Docker engine reached through
// DOCKER_HOST and through a docker context (doctor, run-local, and dev up with its own kind cluster in that engine).
import { createHash } from "node:crypto";
import { mkdtemp, mkdir, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execa } from "execa";
import { E2E_CLUSTER, e2eCluster, offlineTools, repoRoot } from "../harness.ts";
import { devLong, devRun, outsideProject, packAndInstall, startSecondEngine, userEnv, type DevEvent, type Installed, type SecondEngine } from "./installed.ts";

let installed: Installed;
const cleanup: string[] = [];

beforeAll(async () => {
  installed = await packAndInstall();
  cleanup.push(installed.prefix);
}, 15 * 60_000);

afterAll(async () => {
  for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
});

const ofType = (events: DevEvent[], type: string) => events.filter((e) => e.type === type);
const check = (events: DevEvent[], name: string) => ofType(events, "check").find((e) => e.name === name);

describe("the installed CLI", () => {
  it("is a package with the harness inside and no checkout around it", async () => {
    expect(installed.tarballs.map((t) => t.replace(/^.*\//, "")).sort()).toEqual(
      ["cli", "cluster", "docker", "engine", "errors", "files", "kube", "manifests", "own-manifests", "project", "tui"].map((p) => `devup-${p}-0.1.0.tgz`),
    );
    const real = await realpath(installed.dev);
    expect(real.startsWith(await realpath(installed.prefix))).toBe(true);
    expect(real.startsWith(repoRoot)).toBe(false);
    const ensure = await readFile(join(installed.prefix, "node_modules/@devup/cli/harness/cluster/ensure"), "utf8");
    expect(ensure).toBe(await readFile(join(repoRoot, "scripts/cluster/ensure"), "utf8"));
  });

  it("runs dev init and dev up in a project outside the repository, through DOCKER_HOST", async () => {
    const cluster = e2eCluster();
    const dir = await outsideProject("outside-app");
    cleanup.push(join(dir, ".."));
    const init = await devRun(installed.dev, dir, ["init"], userEnv());
    expect(init.code, init.stderr).toBe(0);
    const serviceFile = join(dir, "services/hello/service.yaml");
    const service = await readFile(serviceFile, "utf8");
    expect(service).toContain("context: ../../hello");
    await writeFile(serviceFile, service.replace(/forward: \d+/, "forward: 18191"));
    await writeFile(join(dir, "dev.yaml"), `${await readFile(join(dir, "dev.yaml"), "utf8")}cluster:\n  name: ${cluster.name}\n  ingress: { httpPort: 18280 }\n`);

    const env = userEnv({ DOCKER_HOST: "unix:///var/run/docker.sock" });
    const up = devLong(installed.dev, dir, ["up", "--no-watch"], env); // this shared machine runs out of inotify instances
    try {
      const summary = await up.waitFor("summary", 10 * 60_000);
      expect(summary.ready).toEqual(["hello"]);
      // The offline harness that ran is the one shipped in the installed package.
      const machine = ofType(up.events, "machine").map((e) => String(e.message));
      expect(machine[0]).toContain(join(installed.prefix, "node_modules/@devup/cli/harness/cluster/ensure"));
      const deadline = Date.now() + 120_000;
      let body = "";
      while (Date.now() < deadline) {
        body = await fetch("http://127.0.0.1:18191/", { signal: AbortSignal.timeout(3000) }).then((r) => r.text(), () => "");
        if (body) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(body, JSON.stringify(ofType(up.events, "engine.forward"))).toBe("hello from outside-app\n");
    } finally {
      up.process.kill("SIGINT");
      await up.process;
    }
    expect((await up.process).exitCode).toBe(0);
    const down = await devRun(installed.dev, dir, ["down"], env);
    expect(down.code, down.stderr).toBe(0);
    expect(E2E_CLUSTER).toBe(cluster.name);
  });
});

describe("a second Docker engine on its own socket", () => {
  let engine: SecondEngine;
  beforeAll(async () => {
    const tools = offlineTools();
    engine = await startSecondEngine(["node:24-slim", tools.nodeImage], tools.all.RUNTIME_SHIM || undefined);
  }, 10 * 60_000);
  afterAll(async () => {
    if (engine) await execa(offlineTools().kind, ["delete", "cluster", "--name", SECOND_CLUSTER], { env: { DOCKER_HOST: engine.host }, reject: false });
    await engine?.stop();
  }, 3 * 60_000);

  it("is what dev doctor and dev run-local use through DOCKER_HOST", async () => {
    const dir = await outsideProject("second-host");
    cleanup.push(join(dir, ".."));
    const env = userEnv({ DOCKER_HOST: engine.host });
    expect((await devRun(installed.dev, dir, ["init"], env)).code).toBe(0);
    const doctor = await devRun(installed.dev, dir, ["doctor"], env);
    expect(check(doctor.events, "endpoint")?.detail).toBe(`${engine.host}: DOCKER_HOST is set`);
    expect(check(doctor.events, "docker")?.outcome).toBe("ok");
    await runLocalIn(engine, dir, env, 18192);
  });

  it("is what they use through a docker context (config.json currentContext)", async () => {
    const dir = await outsideProject("second-context");
    cleanup.push(join(dir, ".."));
    const config = await contextConfig(engine.host);
    const env = userEnv({ DOCKER_CONFIG: config });
    expect((await devRun(installed.dev, dir, ["init"], env)).code).toBe(0);
    const doctor = await devRun(installed.dev, dir, ["doctor"], env);
    expect(check(doctor.events, "endpoint")?.detail).toBe(`${engine.host}: docker context "second" (currentContext in ${join(config, "config.json")})`);
    expect(check(doctor.events, "docker")?.outcome).toBe("ok");
    await runLocalIn(engine, dir, env, 18193);

    // A context that does not exist: doctor fails on it, naming it.
    const broken = await devRun(installed.dev, dir, ["doctor"], userEnv({ DOCKER_CONFIG: config, DOCKER_CONTEXT: "gone" }));
    expect(broken.code).toBe(1);
    expect(check(broken.events, "endpoint")).toMatchObject({ outcome: "fail", detail: expect.stringContaining('the docker context "gone" (DOCKER_CONTEXT) does not exist') as unknown });
  });

  it("runs dev up through the docker context: kind creates its cluster in that engine, the image is built and loaded there", async () => {
    const dir = await outsideProject("second-up");
    cleanup.push(join(dir, ".."));
    const config = await contextConfig(engine.host);
    const kubeconfig = join(config, "kubeconfig");
    // The harness's node image by name (no harness run: it would set up the main engine); kind itself from the cache.
    const env = userEnv({ DOCKER_CONFIG: config, KUBECONFIG: kubeconfig, DEVUP_KIND_NODE_IMAGE: offlineTools().nodeImage, DEVUP_KIND: offlineTools().kind });
    expect((await devRun(installed.dev, dir, ["init"], env)).code).toBe(0);
    const file = join(dir, "services/hello/service.yaml");
    await writeFile(file, (await readFile(file, "utf8")).replace(/forward: \d+/, "forward: 18194"));
    await writeFile(join(dir, "dev.yaml"), `${await readFile(join(dir, "dev.yaml"), "utf8")}cluster:\n  name: ${SECOND_CLUSTER}\n  ingress: { httpPort: 18281 }\n`);
    const up = devLong(installed.dev, dir, ["up", "--no-watch"], env); // this shared machine runs out of inotify instances
    try {
      const summary = await up.waitFor("summary", 10 * 60_000);
      expect(summary.ready).toEqual(["hello"]);
      expect(ofType(up.events, "machine")).toEqual([]); // the harness did not run
      expect(await fetch("http://127.0.0.1:18194/").then((r) => r.text())).toBe("hello from second-up\n");
    } finally {
      up.process.kill("SIGINT");
      await up.process;
    }
    const node = `${SECOND_CLUSTER}-control-plane`;
    expect((await engine.docker(["ps", "--format", "{{.Names}}"])).split("\n")).toContain(node);
    const main = await execa("docker", ["ps", "--all", "--format", "{{.Names}}"], { env: { DOCKER_HOST: "unix:///var/run/docker.sock" } });
    expect(main.stdout.split("\n")).not.toContain(node);
    expect(await readFile(kubeconfig, "utf8")).toContain(`kind-${SECOND_CLUSTER}`);
    const down = await devRun(installed.dev, dir, ["down"], env);
    expect(down.code, down.stderr).toBe(0);
  });
});

const SECOND_CLUSTER = `${E2E_CLUSTER}-2`;

async function contextConfig(host: string): Promise<string> {
  const config = await mkdtemp(join(tmpdir(), "devup-docker-config-"));
  cleanup.push(config);
  const meta = join(config, "contexts", "meta", createHash("sha256").update("second").digest("hex"));
  await mkdir(meta, { recursive: true });
  await writeFile(join(meta, "meta.json"), JSON.stringify({ Name: "second", Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }));
  await writeFile(join(config, "config.json"), JSON.stringify({ currentContext: "second" }));
  return config;
}

/** `dev run-local` builds and runs the service in the second engine only, answers, and removes it on Ctrl-C. */
async function runLocalIn(engine: SecondEngine, dir: string, env: Record<string, string | undefined>, port: number): Promise<void> {
  const file = join(dir, "services/hello/service.yaml");
  await writeFile(file, (await readFile(file, "utf8")).replace(/forward: \d+/, `forward: ${port}`));
  const name = dir.replace(/^.*\//, "");
  const run = devLong(installed.dev, dir, ["run-local", "--no-watch"], env);
  try {
    const summary = await run.waitFor("summary", 5 * 60_000);
    expect(summary.ready).toEqual(["hello"]);
    expect(await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text())).toBe(`hello from ${name}\n`);
    expect((await engine.docker(["ps", "--format", "{{.Names}}"])).split("\n")).toContain(`devup-${name}-hello`);
    const main = await execa("docker", ["ps", "--all", "--format", "{{.Names}}"], { env: { DOCKER_HOST: "unix:///var/run/docker.sock" } });
    expect(main.stdout.split("\n")).not.toContain(`devup-${name}-hello`);
  } finally {
    run.process.kill("SIGINT");
    await run.process;
  }
  expect((await engine.docker(["ps", "--all", "--format", "{{.Names}}"])).split("\n")).not.toContain(`devup-${name}-hello`);
}
