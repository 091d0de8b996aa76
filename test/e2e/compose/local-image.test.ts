// dev import compose asks the local Docker engine for the EXPOSE lines of an image nothing else tells
// the ports of (not built here, not a well-known image), so a service others reach by name gets its
// Kubernetes Service. The image is built here from the offline debian base.
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlineTools } from "../harness.ts";
import { devJson, ofType } from "../up/project.ts";

const IMAGE = `devup.local/e2e-expose-only:${process.pid}`;
let dir: string;

beforeAll(async () => {
  offlineTools(); // the engine and debian:bookworm-slim
  execFileSync("docker", ["build", "-q", "-t", IMAGE, "-"], { input: "FROM debian:bookworm-slim\nEXPOSE 7000 7001/udp\n", env: { ...process.env, DOCKER_BUILDKIT: "0" }, stdio: ["pipe", "ignore", "inherit"] });
  dir = await mkdtemp(join(tmpdir(), "devup-e2e-expose-"));
  await writeFile(
    join(dir, "compose.yaml"),
    ["services:", "  web:", "    image: nginx:1.27", "    environment:", "      BACKEND: http://backend:7000", "  backend:", `    image: ${IMAGE}`, ""].join("\n"),
  );
});

afterAll(async () => {
  execFileSync("docker", ["image", "rm", "-f", IMAGE], { stdio: "ignore" });
  await rm(dir, { recursive: true, force: true });
});

describe("dev import compose with a local image", () => {
  it("takes the ports of a service others reach from its image's EXPOSE lines", async () => {
    const { code, events, stderr } = await devJson(dir, ["import", "compose"]);
    expect(code, stderr).toBe(0);
    const spec = await readFile(join(dir, "services/backend/service.yaml"), "utf8");
    expect(spec).toMatch(/port: 7000/);
    expect(spec).toMatch(/port: 7001\n\s+protocol: UDP/);
    const notes = ofType(events, "diagnostic").map((e) => String(e.message));
    expect(notes.join("\n")).toContain(`added from the EXPOSE lines of the local image ${IMAGE}`);
  });
});
