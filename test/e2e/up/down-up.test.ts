/**
 * The day-to-day sequence `dev down` then `dev up` at once: the namespace is still being deleted
 * (a process that ignores SIGTERM holds its pod for the grace period), and `dev up` waits for it to
 * go instead of failing; `dev up --no-watch` with nothing to forward finishes instead of waiting on nothing.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKube, type Kube } from "@devup/kube";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2E_CLUSTER, e2eCluster } from "../harness.ts";
import { devJson, ofType } from "./project.ts";

const NAME = "downup";
let dir: string;
let kube: Kube;

beforeAll(async () => {
  const cluster = e2eCluster();
  kube = createKube({ kubeconfigPath: cluster.kubeconfig, context: cluster.context });
  dir = await mkdtemp(join(tmpdir(), "devup-downup-"));
  await writeFile(join(dir, "dev.yaml"), `name: ${NAME}\ncluster:\n  name: ${E2E_CLUSTER}\n`);
  await mkdir(join(dir, "services/stubborn"), { recursive: true });
  // PID 1 without a SIGTERM handler ignores SIGTERM: its pod takes the whole grace period to go.
  await writeFile(join(dir, "services/stubborn/server.js"), 'require("node:http").createServer((q, s) => s.end("ok\\n")).listen(8080);\n');
  await writeFile(join(dir, "services/stubborn/Dockerfile"), 'FROM node:24-slim\nCOPY server.js /srv/server.js\nCMD ["node", "/srv/server.js"]\n');
  await writeFile(join(dir, "services/stubborn/service.yaml"), "build:\n  context: .\nports:\n  - name: http\n    port: 8080\n");
});

afterAll(async () => {
  if (dir) {
    await devJson(dir, ["down"]);
    await rm(dir, { recursive: true, force: true });
  }
});

describe("dev down, then dev up at once", () => {
  it("finishes a --no-watch up with nothing to forward", async () => {
    const { code, events, stderr } = await devJson(dir, ["up", "--no-watch"]);
    expect(code, stderr).toBe(0);
    expect(ofType(events, "summary")[0]).toMatchObject({ ready: ["stubborn"], failed: [] });
    expect(ofType(events, "stopped")[0]?.message).toMatch(/^nothing to forward and --no-watch: done/);
  });

  it("waits for the namespace that dev down is still deleting, then deploys into a new one", async () => {
    const down = await devJson(dir, ["down"]);
    expect(down.code, down.stderr).toBe(0);
    const ns = await kube.core.readNamespace({ name: NAME });
    expect(ns.metadata?.deletionTimestamp, "the namespace should still be terminating right after dev down").toBeDefined();

    const { code, events, stderr } = await devJson(dir, ["up", "--no-watch"]);
    expect(code, `${stderr}\n${JSON.stringify(ofType(events, "error"))}`).toBe(0);
    const waited = events.filter((e) => typeof e.message === "string" && e.message.includes(`namespace ${NAME} is still being deleted`));
    expect(waited).toHaveLength(1);
    expect(ofType(events, "summary")[0]).toMatchObject({ ready: ["stubborn"], failed: [] });
    const live = await kube.core.readNamespace({ name: NAME });
    expect(live.metadata?.deletionTimestamp).toBeUndefined();
    expect(live.metadata?.uid).not.toBe(ns.metadata?.uid);
  });
});
