// Rollback after a bad deploy, on the real cluster through the real CLI: the deploy history lives
// in the cluster, the bad deploy is diagnosed (and the old pod keeps serving: maxUnavailable 0),
// `dev rollback users` brings back the previous image and config, and users answers the old content.
import { createKube, forwardService } from "@devup/kube";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { e2eCluster, type E2ECluster } from "../harness.ts";
import { devJson, ofType, sampleProject, type SampleProject } from "../up/project.ts";

let cluster: E2ECluster;
let project: SampleProject;
const NAMESPACE = "ro-back";

beforeAll(async () => {
  cluster = e2eCluster();
  project = await sampleProject(NAMESPACE, 23100);
});

afterAll(async () => {
  if (project) {
    await devJson(project.dir, ["down"]);
    await project.cleanup();
  }
});

/** GET through a real port-forward to the users Service (what a client of the cluster sees). */
async function getUsers(path: string): Promise<{ status: number; body: string }> {
  const kube = createKube({ kubeconfigPath: cluster.kubeconfig, context: cluster.context });
  const forward = await forwardService(kube, { namespace: NAMESPACE, service: "users", port: "http", localPort: 0 });
  try {
    const res = await fetch(`http://127.0.0.1:${forward.localPort}${path}`, { signal: AbortSignal.timeout(5000) });
    return { status: res.status, body: await res.text() };
  } finally {
    await forward.close();
  }
}

async function usersImage(): Promise<string> {
  const kube = createKube({ kubeconfigPath: cluster.kubeconfig, context: cluster.context });
  const d = await kube.apps.readNamespacedDeployment({ name: "users", namespace: NAMESPACE });
  return d.spec!.template.spec!.containers[0]!.image!;
}

describe("dev rollback after a bad deploy", () => {
  it("rolls users back to the last ready revision, which serves again", async () => {
    const first = await devJson(project.dir, ["apply"]);
    expect(first.code, first.stderr).toBe(0);
    const goodImage = await usersImage();
    const marker = `rollback-${Date.now()}`;
    // A good change first (revision 2), then a broken one (revision 3).
    await project.edit("services/users/src/server.js", '"/health": () => [200, { status: "ok" }],', `"/health": () => [200, { status: "ok", marker: "${marker}" }],`);
    expect((await devJson(project.dir, ["apply"])).code).toBe(0);
    const markedImage = await usersImage();
    expect(markedImage).not.toBe(goodImage);
    expect(JSON.parse((await getUsers("/health")).body)).toEqual({ status: "ok", marker });

    await project.edit("services/users/src/server.js", 'const started = Date.now();', 'console.error("users: refusing to start"); process.exit(3);\nconst started = Date.now();');
    const bad = await devJson(project.dir, ["apply", "--timeout", "120"]);
    expect(bad.code).not.toBe(0);
    const failed = ofType(bad.events, "engine.failed").find((e) => e.service === "users");
    expect((failed?.error as { message: string }).message).toMatch(/users.*(crash|exit)/i);
    // maxUnavailable 0: the old pod still serves while the new one crashes.
    expect(JSON.parse((await getUsers("/health")).body)).toEqual({ status: "ok", marker });

    const list = await devJson(project.dir, ["rollback", "users", "--list"]);
    expect(list.code).toBe(0);
    const revisions = ofType(list.events, "history")[0]!.revisions as Array<{ revision: number; outcome: string; image: string; trigger: string[]; objects?: unknown }>;
    expect(revisions.map((r) => r.outcome)).toEqual(["ready", "ready", "failed"]);
    expect(revisions[1]!.image).toBe(markedImage);
    // Recorded as the command that deployed it: `dev apply`, not "dev up".
    expect(revisions.map((r) => r.trigger)).toEqual([["dev apply"], ["dev apply"], ["dev apply"]]);

    const back = await devJson(project.dir, ["rollback", "users"]);
    expect(back.code, back.stderr).toBe(0);
    const plan = ofType(back.events, "rollback-plan")[0]!;
    expect(plan.message).toContain("secrets: the current values are used");
    const result = ofType(back.events, "rollback")[0]!;
    expect(result).toMatchObject({ service: "users", from: 3, to: 2, revision: 4, image: markedImage });
    // Serving was checked for real (a GET of users' health path through a forward), not assumed from readiness.
    expect(result.serving).toBe("GET /health on port http");
    expect(await usersImage()).toBe(markedImage);
    expect(JSON.parse((await getUsers("/health")).body)).toEqual({ status: "ok", marker });
    expect((await getUsers("/v2/users")).status).toBe(200);

    // `dev status` shows what triggered each service's last update.
    const status = await devJson(project.dir, ["status"]);
    const rows = ofType(status.events, "status")[0]!.services as Array<{ service: string; lastUpdate?: { trigger: string[]; revision: number; outcome: string } }>;
    expect(rows.find((r) => r.service === "users")!.lastUpdate).toMatchObject({ revision: 4, outcome: "ready", trigger: ["dev rollback to 2"] });
    expect(rows.find((r) => r.service === "accounts")!.lastUpdate).toMatchObject({ revision: 1, trigger: ["dev apply"] });

    // --to an older revision, and a clear refusal for the current one.
    const toFirst = await devJson(project.dir, ["rollback", "users", "--to", "1"]);
    expect(toFirst.code, toFirst.stderr).toBe(0);
    expect(await usersImage()).toBe(goodImage);
    const same = await devJson(project.dir, ["rollback", "users", "--to", "5"]);
    expect(same.code).not.toBe(0);
    expect(same.stderr + JSON.stringify(same.events)).toContain("revision 5 is the current revision of users");

    // dev down takes the deploy histories with it.
    const kube = createKube({ kubeconfigPath: cluster.kubeconfig, context: cluster.context });
    expect((await kube.core.readNamespacedConfigMap({ name: "devup-history-users", namespace: NAMESPACE })).data?.["revision-5"]).toBeDefined();
    expect((await devJson(project.dir, ["down"])).code).toBe(0);
    await expect(kube.core.readNamespacedConfigMap({ name: "devup-history-users", namespace: NAMESPACE })).rejects.toThrow();
  });
});
