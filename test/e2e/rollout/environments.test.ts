// `dev env clone` and `dev env promote` between two namespaces of a sample copy on the real
// cluster: the overlay is added to dev.yaml with its comments kept, the new namespace runs the
// exact images of the source, a later change is promoted, and nothing happens without --yes.
import { appendFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { createKube } from "@devup/kube";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { e2eCluster, repoRoot, type E2ECluster } from "../harness.ts";
import { devJson, ofType, sampleProject, type SampleProject } from "../up/project.ts";

let cluster: E2ECluster;
let project: SampleProject;

beforeAll(async () => {
  cluster = e2eCluster();
  project = await sampleProject("ro-shop", 23000);
});

afterAll(async () => {
  if (project) {
    await devJson(project.dir, ["down", "--env", "qa"]);
    await devJson(project.dir, ["down", "--env", "remote", "--allow-context", cluster.context], { KUBECONFIG: cluster.kubeconfig });
    await devJson(project.dir, ["down"]);
    await project.cleanup();
  }
});

async function images(namespace: string): Promise<Record<string, string>> {
  const kube = createKube({ kubeconfigPath: cluster.kubeconfig, context: cluster.context });
  const list = await kube.apps.listNamespacedDeployment({ namespace });
  return Object.fromEntries(list.items.map((d) => [d.metadata!.name!, d.spec!.template.spec!.containers[0]!.image!]));
}

async function readyReplicas(namespace: string): Promise<Record<string, number>> {
  const kube = createKube({ kubeconfigPath: cluster.kubeconfig, context: cluster.context });
  const list = await kube.apps.listNamespacedDeployment({ namespace });
  return Object.fromEntries(list.items.map((d) => [d.metadata!.name!, d.status?.readyReplicas ?? 0]));
}

describe("dev env clone and promote", () => {
  it("clones local into a new environment qa running the same images, then promotes a change", async () => {
    const up = await devJson(project.dir, ["up", "--no-forward"]);
    expect(up.code, up.stderr).toBe(0);
    const local = await images("ro-shop");
    expect(Object.keys(local).sort()).toEqual(["accounts", "users", "website"]);
    const devYaml = join(project.dir, "dev.yaml");
    const before = await readFile(devYaml, "utf8");

    // Outside a terminal, nothing changes without --yes.
    const refused = await devJson(project.dir, ["env", "clone", "local", "qa"], { CI: "true" });
    expect(refused.code).not.toBe(0);
    expect(JSON.stringify(refused.events)).toContain("not changing anything without --yes");
    const plan = ofType(refused.events, "plan")[0]!;
    expect(plan.message).toContain("dev.yaml: add environments.qa (a copy of local's overlay; its own namespace ro-shop-qa)");
    expect(plan.message).toContain(`users: not deployed → ${local.users}`);
    expect(await readFile(devYaml, "utf8")).toBe(before);

    const cloned = await devJson(project.dir, ["env", "clone", "local", "qa", "--yes"]);
    expect(cloned.code, cloned.stderr + JSON.stringify(cloned.events.slice(-3))).toBe(0);
    const after = await readFile(devYaml, "utf8");
    expect(after.startsWith(before.replace(/\n$/, ""))).toBe(true); // comments and everything else kept
    expect(after.slice(before.length)).toBe("  qa: {}\n");
    expect(ofType(cloned.events, "engine.build")).toEqual([]); // nothing built: FROM's images
    expect(await images("ro-shop-qa")).toEqual(local);
    expect(await readyReplicas("ro-shop-qa")).toEqual(await readyReplicas("ro-shop")); // the same overlay: the same replicas, all ready

    const again = await devJson(project.dir, ["env", "clone", "local", "qa", "--yes"]);
    expect(again.code).not.toBe(0);
    expect(JSON.stringify(again.events) + again.stderr).toMatch(/dev\.yaml:\d+:\d+: environment \\?"qa\\?" already exists/);

    // A change deployed to local only, then promoted to qa.
    await project.edit("services/users/src/server.js", '"/health": () => [200, { status: "ok" }],', `"/health": () => [200, { status: "ok", promoted: ${Date.now()} }],`);
    expect((await devJson(project.dir, ["apply"])).code).toBe(0);
    const changed = await images("ro-shop");
    expect(changed.users).not.toBe(local.users);
    expect((await images("ro-shop-qa")).users).toBe(local.users);

    const promoted = await devJson(project.dir, ["env", "promote", "local", "qa", "--yes"]);
    expect(promoted.code, promoted.stderr).toBe(0);
    const promotePlan = ofType(promoted.events, "plan")[0]!.message as string;
    expect(promotePlan).toContain(`users: ${local.users} → ${changed.users}`);
    expect(promotePlan).toContain(`accounts: ${local.accounts} (unchanged)`);
    expect(await images("ro-shop-qa")).toEqual(changed);
    expect(ofType(promoted.events, "summary")[0]).toMatchObject({ ready: ["accounts", "users", "website"], failed: [] });

    // In a terminal it asks; "n" changes nothing.
    const cli = `${process.execPath} ${join(repoRoot, "packages/cli/dist/main.js")} env promote qa local --cwd ${project.dir}`;
    const asked = await execa("script", ["-qec", cli, "/dev/null"], { input: "n\n", reject: false, env: { CI: "" }, timeout: 120_000 });
    expect(asked.stdout).toContain("promote these images to local? [y/N]");
    expect(asked.stdout).toContain("nothing changed (not confirmed)");
    expect(asked.exitCode).toBe(2);

    const status = await devJson(project.dir, ["status", "--env", "qa"]);
    const rows = ofType(status.events, "status")[0]!.services as Array<{ service: string; lastUpdate?: { trigger: string[] } }>;
    expect(rows.find((r) => r.service === "users")!.lastUpdate?.trigger).toEqual(["dev env promote local"]);
  });

  it("an environment on a kubeconfig context: the context guard applies and images are pushed to its registry", async () => {
    // The same kind cluster, reached as a context devup did not create, with a registry path of its own.
    await appendFile(join(project.dir, "dev.yaml"), `  remote:\n    namespace: ro-shop-remote\n    cluster:\n      provider: context\n      context: ${cluster.context}\n      registry: localhost:5001/remote\n`);
    const env = { KUBECONFIG: cluster.kubeconfig };
    const guarded = await devJson(project.dir, ["env", "promote", "local", "remote", "--yes"], env);
    expect(guarded.code).toBe(2);
    const refusal = JSON.stringify(guarded.events) + guarded.stderr;
    expect(refusal).toContain("refusing to deploy to kubeconfig context");
    expect(refusal).toContain("E_CONTEXT_NOT_ALLOWED");

    const local = await images("ro-shop");
    const promoted = await devJson(project.dir, ["env", "promote", "local", "remote", "--yes", "--allow-context", cluster.context], env);
    expect(promoted.code, promoted.stderr + JSON.stringify(promoted.events.slice(-3))).toBe(0);
    const pushed = ofType(promoted.events, "engine.delivery").filter((e) => e.action === "delivered");
    expect(pushed.map((e) => [e.service, e.method]).sort()).toEqual([["accounts", "push"], ["users", "push"], ["website", "push"]]);
    const remote = await images("ro-shop-remote");
    for (const [service, image] of Object.entries(local)) expect(remote[service]).toBe(image.replace(/^localhost:5001\//, "localhost:5001/remote/"));
    expect(await readyReplicas("ro-shop-remote")).toEqual(await readyReplicas("ro-shop"));
  });
});
