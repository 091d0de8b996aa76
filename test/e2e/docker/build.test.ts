/**
 * Builds against the real Docker engine: a small image FROM node:24-slim (built offline by the
 * harness), the content-tag cache across calls, a failing step reported with its output while
 * another service in the same call still builds, and .dockerignore / outside-Dockerfile handling.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectDocker, ensureImages, hashBuildInputs, imageExists, localImageRef, pingDocker, type BuildEvent, type BuildInputs } from "@devup/docker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlineTools } from "../harness.ts";

const docker = connectDocker();
const project = `e2e-build-${process.pid}`;
const created: string[] = [];
let dir: string;

async function service(name: string, files: Record<string, string>, dockerfile = join(dir, name, "Dockerfile")): Promise<{ service: string; inputs: BuildInputs; tag: string }> {
  const context = join(dir, name);
  for (const [file, content] of Object.entries(files)) {
    await mkdir(join(context, file, ".."), { recursive: true });
    await writeFile(join(context, file), content);
  }
  const inputs: BuildInputs = { context, dockerfile, args: { GREETING: "hello" } };
  const tag = localImageRef(project, name, await hashBuildInputs(inputs));
  created.push(tag);
  return { service: name, inputs, tag };
}

beforeAll(async () => {
  offlineTools(); // the engine, and node:24-slim built locally
  await pingDocker(docker);
  dir = await mkdtemp(join(tmpdir(), "devup-e2e-build-"));
});

afterAll(async () => {
  for (const tag of created) await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

describe("ensureImages on a real engine", () => {
  it("builds one service while another fails at a step, with the step and the output", async () => {
    const ok = await service("ok", {
      Dockerfile: "FROM node:24-slim\nARG GREETING\nWORKDIR /app\nCOPY server.js .\nRUN node -e \"console.log('built with', process.argv[1])\" \"$GREETING\"\n",
      "server.js": "console.log('ok');\n",
    });
    const bad = await service("bad", { Dockerfile: "FROM node:24-slim\nRUN echo about to fail && false\n" });
    const events: BuildEvent[] = [];

    const results = await ensureImages(docker, [bad, ok], { onEvent: (e) => events.push(e) });

    expect(results.map((r) => [r.service, r.action])).toEqual([["bad", "failed"], ["ok", "built"]]);
    const error = results[0]!.error!;
    expect(error.code).toBe("E_BUILD_FAILED");
    expect(error.message).toBe(`bad: build failed at step 2/2: RUN echo about to fail && false (${bad.inputs.dockerfile}:2)`);
    expect(error.details).toContain("about to fail");
    expect(error.details.at(-1)).toMatch(/returned a non-zero code: 1/);
    expect(await imageExists(docker, ok.tag)).toBe(true);
    expect(await imageExists(docker, bad.tag)).toBe(false);
    const label = (await docker.getImage(ok.tag).inspect()).Config.Labels?.["devup.dev/inputs-hash"];
    expect(ok.tag.endsWith(`:${label}`)).toBe(true);
    expect(events.filter((e) => e.service === "ok").map((e) => e.type)).toEqual(expect.arrayContaining(["build-start", "build-line", "build-done"]));
    expect(events.some((e) => e.type === "build-line" && e.service === "ok" && e.line === "built with hello")).toBe(true);
    expect(events.some((e) => e.type === "build-fail" && e.service === "bad")).toBe(true);
  });

  it("skips an image whose content tag exists, in a fraction of a second", async () => {
    const ok = await service("ok", {});
    const events: BuildEvent[] = [];
    const [result] = await ensureImages(docker, [ok], { onEvent: (e) => events.push(e) });
    expect(result).toMatchObject({ service: "ok", action: "skipped" });
    expect(result!.durationMs).toBeLessThan(1000);
    expect(events.map((e) => e.type)).toEqual(["build-skip"]);
  });

  it("sends only what .dockerignore lets through, and takes a Dockerfile from outside the context", async () => {
    await mkdir(join(dir, "outside"), { recursive: true });
    const dockerfile = join(dir, "outside", "Dockerfile");
    await writeFile(dockerfile, "FROM node:24-slim\nCOPY . /ctx\nRUN ls -A /ctx && test -f /ctx/keep.txt && test ! -e /ctx/secret.env && test ! -e /ctx/.devup.Dockerfile && test ! -e /ctx/.dockerignore\n");
    const svc = await service("ignored", { "keep.txt": "keep\n", "secret.env": "TOKEN=1\n", ".dockerignore": "*.env\n" }, dockerfile);
    const lines: string[] = [];
    const [result] = await ensureImages(docker, [svc], { onEvent: (e) => e.type === "build-line" && lines.push(e.line) });
    expect(result!.error?.details ?? []).toEqual([]);
    expect(result!.action).toBe("built");
    expect(lines).toContain("keep.txt");
  });

  it("names a missing base image at step 1, with a hint (nothing can be pulled here)", async () => {
    const svc = await service("nobase", { Dockerfile: `FROM devup.local/${project}-no-such-base:1\nRUN true\n` });
    const [result] = await ensureImages(docker, [svc]);
    expect(result!.action).toBe("failed");
    expect(result!.error!.message).toBe(`nobase: build failed at step 1/2: FROM devup.local/${project}-no-such-base:1 (${svc.inputs.dockerfile}:1)`);
    expect(result!.error!.hint).toMatch(/base image/);
  });

  it("says in words when the engine does not answer", async () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `unix://${join(dir, "no-such.sock")}`;
    try {
      await expect(pingDocker(connectDocker(), 2000)).rejects.toMatchObject({
        code: "E_DOCKER",
        message: `the Docker engine does not answer at ${join(dir, "no-such.sock")}`,
      });
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });
});
