import { describe, expect, it } from "vitest";
import { createBuildkitProgress } from "./buildkit-progress.ts";
import { buildxArgs } from "./buildkit.ts";

// Shaped like `buildx build --progress=plain` output of a two-stage build whose second RUN fails.
const FAILED = `#0 building with "default" instance using docker driver

#1 [internal] load build definition from Dockerfile
#1 transferring dockerfile: 212B done
#1 DONE 0.0s

#4 [build 1/3] FROM docker.io/library/node:24-slim
#4 DONE 0.0s

#5 [build 2/3] RUN --mount=type=cache,target=/root/.npm npm ci
#5 CACHED

#6 [build 3/3] RUN node -e "process.exit(3)"
#6 0.412 starting
#6 ERROR: process "/bin/sh -c node -e \\"process.exit(3)\\"" did not complete successfully: exit code: 3
------
 > [build 3/3] RUN node -e "process.exit(3)":
0.412 starting
------
Dockerfile:7
--------------------
   5 |     RUN --mount=type=cache,target=/root/.npm npm ci
   6 |     
   7 | >>> RUN node -e "process.exit(3)"
   8 |     
--------------------
ERROR: failed to build: failed to solve: process "/bin/sh -c node -e \\"process.exit(3)\\"" did not complete successfully: exit code: 3
`;

describe("createBuildkitProgress", () => {
  it("names the failed step, BuildKit's Dockerfile line and its error, fed in odd chunks", () => {
    const p = createBuildkitProgress();
    const lines: string[] = [];
    for (let i = 0; i < FAILED.length; i += 37) lines.push(...p.push(FAILED.slice(i, i + 37)));
    lines.push(...p.end());
    expect(lines).toContain("starting");
    expect(lines).toContain('Step 3/3 : RUN node -e "process.exit(3)"');
    expect(lines.filter((l) => l.startsWith("#"))).toEqual([]);
    expect(p.step).toEqual({ index: "3/3", instruction: 'RUN node -e "process.exit(3)"' });
    expect(p.dockerfileLine).toBe(7);
    expect(p.error).toMatch(/^failed to build: failed to solve: process .* exit code: 3$/);
    expect(p.tail().at(-1)).toMatch(/^ERROR: failed to build/);
  });

  it("reports no step and no error for a build that succeeded", () => {
    const p = createBuildkitProgress();
    p.push("#5 [2/2] COPY src ./src\n#5 DONE 0.1s\n#6 exporting to image\n#6 DONE 0.2s\n");
    p.end();
    expect(p.step).toBeUndefined();
    expect(p.error).toBeUndefined();
    expect(p.dockerfileLine).toBeUndefined();
  });

  it("keeps the step of a failing vertex even when a later vertex started", () => {
    const p = createBuildkitProgress();
    p.push("#5 [a 2/2] RUN false\n#6 [b 2/2] RUN sleep 1\n#5 ERROR: process \"/bin/sh -c false\" did not complete successfully: exit code: 1\n#6 CANCELED\n");
    p.end();
    expect(p.step).toEqual({ index: "2/2", instruction: "RUN false" });
    expect(p.error).toMatch(/exit code: 1/);
  });
});

describe("a base image that cannot be resolved", () => {
  it("is named as the FROM step, without BuildKit's docker.io/library prefix", () => {
    const p = createBuildkitProgress();
    p.push("#3 [internal] load metadata for docker.io/library/node:99-nope\n#3 ERROR: docker.io/library/node:99-nope: not found\nERROR: failed to build: failed to solve: node:99-nope: not found\n");
    expect(p.step).toEqual({ index: "", instruction: "FROM node:99-nope" });
    expect(p.error).toBe("failed to build: failed to solve: node:99-nope: not found");
  });
});

describe("buildxArgs", () => {
  const base = {
    buildx: { command: "docker", prefix: ["buildx"], source: "docker CLI plugin" as const },
    context: { dir: "/work/app", dockerfile: "/work/docker/app.Dockerfile" },
    tag: "devup.local/app/users:abc",
    labels: { "devup.dev/inputs-hash": "abc" },
    args: { NODE_ENV: "production" },
  };

  it("passes secret ids on the command line and their values only in the environment", () => {
    const { args, env } = buildxArgs({ ...base, secrets: { NPM_TOKEN: "s3cr3t-value", API_TOKEN: "another" } }, "/tmp/iid");
    expect(args.join(" ")).not.toMatch(/s3cr3t-value|another/);
    expect(args).toContain("id=API_TOKEN,env=DEVUP_BUILD_SECRET_0");
    expect(args).toContain("id=NPM_TOKEN,env=DEVUP_BUILD_SECRET_1");
    expect(env.DEVUP_BUILD_SECRET_0).toBe("another");
    expect(env.DEVUP_BUILD_SECRET_1).toBe("s3cr3t-value");
  });

  it("loads the image into the engine, labels it and sends the context folder", () => {
    const { args } = buildxArgs({ ...base, target: "runtime" }, "/tmp/iid");
    expect(args.slice(0, 2)).toEqual(["buildx", "build"]);
    expect(args).toContain("--load");
    expect(args[args.indexOf("--label") + 1]).toBe("devup.dev/inputs-hash=abc");
    expect(args[args.indexOf("--build-arg") + 1]).toBe("NODE_ENV=production");
    expect(args[args.indexOf("--target") + 1]).toBe("runtime");
    expect(args[args.indexOf("-f") + 1]).toBe("/work/docker/app.Dockerfile");
    expect(args.at(-1)).toBe("/work/app");
  });
});
