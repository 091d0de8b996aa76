/**
 * Builds against the real Docker engine, with each builder (BuildKit through the harness's
 * docker-buildx, and the classic builder): a small image FROM node:24-slim (built offline by the
 * harness), the content-tag cache across calls, a failing step reported with its output while
 * another service in the same call still builds, and .dockerignore / outside-Dockerfile handling.
 * BuildKit only: a cache mount kept between builds, and a build secret used but in no layer.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
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

const builders = ["buildkit", "classic"] as const;
describe.each(builders)("ensureImages on a real engine (%s)", (builder) => {
  let saved: string | undefined;
  beforeAll(() => {
    saved = process.env.DEVUP_BUILDER;
    process.env.DEVUP_BUILDER = builder === "classic" ? "classic" : "";
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.DEVUP_BUILDER;
    else process.env.DEVUP_BUILDER = saved;
  });
  // Each builder makes its own images: a content tag made by the other would be skipped.
  const own = (name: string) => `${name}-${builder}`;

  it("builds one service while another fails at a step, with the step and the output", async () => {
    const ok = await service(own("ok"), {
      Dockerfile: "FROM node:24-slim\nARG GREETING\nWORKDIR /app\nCOPY server.js .\nRUN node -e \"console.log('built with', process.argv[1])\" \"$GREETING\"\n",
      "server.js": `console.log('ok ${builder} ${project}');\n`, // new per run: BuildKit would replay a cached RUN silently
    });
    const bad = await service(own("bad"), { Dockerfile: "FROM node:24-slim\nRUN echo about to fail && false\n" });
    const events: BuildEvent[] = [];

    const results = await ensureImages(docker, [bad, ok], { onEvent: (e) => events.push(e) });

    expect(results.map((r) => [r.service, r.action])).toEqual([[own("bad"), "failed"], [own("ok"), "built"]]);
    const error = results[0]!.error!;
    expect(error.code).toBe("E_BUILD_FAILED");
    expect(error.message).toBe(`${own("bad")}: build failed at step 2/2: RUN echo about to fail && false (${bad.inputs.dockerfile}:2)`);
    expect(error.details).toContain("about to fail");
    expect(error.details.at(-1)).toMatch(builder === "classic" ? /returned a non-zero code: 1/ : /^ERROR: failed to build: .*exit code: 1$/);
    expect(await imageExists(docker, ok.tag)).toBe(true);
    expect(await imageExists(docker, bad.tag)).toBe(false);
    const label = (await docker.getImage(ok.tag).inspect()).Config.Labels?.["devup.dev/inputs-hash"];
    expect(ok.tag.endsWith(`:${label}`)).toBe(true);
    expect(events.filter((e) => e.service === own("ok")).map((e) => e.type)).toEqual(expect.arrayContaining(["build-start", "build-line", "build-done"]));
    expect(events.some((e) => e.type === "build-line" && e.service === own("ok") && e.line === "built with hello")).toBe(true);
    expect(events.some((e) => e.type === "build-line" && e.service === own("ok") && /^Step \d\/\d : RUN node -e/.test(e.line))).toBe(true);
    expect(events.some((e) => e.type === "build-fail" && e.service === own("bad"))).toBe(true);
  });

  it("skips an image whose content tag exists, in a fraction of a second", async () => {
    const ok = await service(own("ok"), {});
    const events: BuildEvent[] = [];
    const [result] = await ensureImages(docker, [ok], { onEvent: (e) => events.push(e) });
    expect(result).toMatchObject({ service: own("ok"), action: "skipped" });
    expect(result!.durationMs).toBeLessThan(1000);
    expect(events.map((e) => e.type)).toEqual(["build-skip"]);
  });

  // With a Dockerfile outside the context, buildx sends the folder and applies .dockerignore itself,
  // as `docker buildx build -f` does: the .dockerignore file is then part of the context.
  it("sends only what .dockerignore lets through, and takes a Dockerfile from outside the context", async () => {
    await mkdir(join(dir, "outside"), { recursive: true });
    const dockerfile = join(dir, "outside", `${builder}.Dockerfile`);
    await writeFile(dockerfile, `FROM node:24-slim\nLABEL builder=${builder}\nCOPY . /ctx\nRUN ls -A /ctx && test -f /ctx/keep.txt && test ! -e /ctx/secret.env && test ! -e /ctx/.devup.Dockerfile${builder === "classic" ? " && test ! -e /ctx/.dockerignore" : ""} && echo ${project}\n`);
    const svc = await service(own("ignored"), { "keep.txt": "keep\n", "secret.env": "TOKEN=1\n", ".dockerignore": "*.env\n" }, dockerfile);
    const lines: string[] = [];
    const [result] = await ensureImages(docker, [svc], { onEvent: (e) => e.type === "build-line" && lines.push(e.line) });
    expect(result!.error?.details ?? []).toEqual([]);
    expect(result!.action).toBe("built");
    expect(lines).toContain("keep.txt");
  });

  it("names a missing base image at step 1, with a hint (nothing can be pulled here)", async () => {
    const svc = await service(own("nobase"), { Dockerfile: `FROM devup.local/${project}-no-such-base:1\nRUN true\n` });
    const [result] = await ensureImages(docker, [svc]);
    expect(result!.action).toBe("failed");
    const step = builder === "classic" ? "step 1/2: " : ""; // BuildKit fails while resolving the base, before counting steps
    expect(result!.error!.message).toBe(`${own("nobase")}: build failed at ${step}FROM devup.local/${project}-no-such-base:1 (${svc.inputs.dockerfile}:1)`);
    expect(result!.error!.hint).toMatch(/base image/);
  });

  it("explains that a RUN --mount Dockerfile needs BuildKit, or builds it with BuildKit", async () => {
    const svc = await service(own("mount"), { Dockerfile: "FROM node:24-slim\nRUN --mount=type=cache,target=/var/cache/x true\n" });
    const [result] = await ensureImages(docker, [svc]);
    if (builder === "classic") {
      expect(result!.action).toBe("failed");
      expect(result!.error!.hint).toMatch(/needs BuildKit/);
    } else {
      expect(result!.error?.details ?? []).toEqual([]);
      expect(result!.action).toBe("built");
    }
  });
});

describe("BuildKit features", () => {
  it("keeps a cache mount between builds of changed inputs", async () => {
    const files = (n: number) => ({
      Dockerfile: "FROM node:24-slim\nCOPY input.txt /\nRUN --mount=type=cache,id=devup-e2e-cache,target=/cache sh -c 'echo cached entries: $(ls /cache | wc -l); cp /input.txt /cache/$(date +%s%N)'\n",
      "input.txt": `${project} ${n}\n`,
    });
    const counts: number[] = [];
    for (const n of [1, 2]) {
      const lines: string[] = [];
      const [result] = await ensureImages(docker, [await service(`cache${n}`, files(n))], { onEvent: (e) => e.type === "build-line" && lines.push(e.line) });
      expect(result!.action).toBe("built");
      const m = lines.map((l) => /^cached entries: (\d+)$/.exec(l)).find(Boolean);
      expect(m, lines.join("\n")).toBeTruthy();
      counts.push(Number(m![1]));
    }
    expect(counts[1]).toBe(counts[0]! + 1);
  });

  it("gives a RUN step its build secret, which no layer, log line or history entry holds", async () => {
    const value = `e2e-secret-${process.pid}-${Date.now()}`;
    // The step proves it saw the secret by keeping only its hash in the image.
    const svc = await service("secret", {
      // (the run's own nonce in the step: BuildKit's cache key does not include the secret)
      Dockerfile: `FROM node:24-slim\nRUN --mount=type=secret,id=API_TOKEN sha256sum /run/secrets/API_TOKEN | cut -d' ' -f1 > /token.sha256 && echo secret seen ${project}\n`,
    });
    const lines: string[] = [];
    const [result] = await ensureImages(docker, [{ ...svc, secrets: { API_TOKEN: value } }], { onEvent: (e) => e.type === "build-line" && lines.push(e.line) });
    expect(result!.error?.details ?? []).toEqual([]);
    expect(lines).toContain(`secret seen ${project}`);
    expect(lines.join("\n")).not.toContain(value);
    const seen = execFileSync("docker", ["run", "--rm", "--entrypoint", "cat", svc.tag, "/token.sha256"], { encoding: "utf8" }).trim();
    expect(seen).toBe(createHash("sha256").update(value).digest("hex"));
    // Every byte of the saved image (layers, config, history): the value is nowhere.
    const saved = execFileSync("docker", ["save", svc.tag], { maxBuffer: 1024 * 1024 * 1024 });
    expect(saved.includes(Buffer.from("/run/secrets/API_TOKEN"))).toBe(true); // the search does find what is there
    expect(saved.includes(Buffer.from(value))).toBe(false);
  });
});

describe("the engine connection", () => {
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
