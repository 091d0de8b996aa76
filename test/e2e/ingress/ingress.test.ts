// Ingress like production, on a real kind cluster: `dev up` creates a cluster of its own with the
// host port mapping (the shared e2e cluster has none and must not be recreated), installs Traefik
// (the image built offline by scripts/cluster/ensure), and each route of the samples answers through
// 127.0.0.1:<httpPort> from the service the spec names. The cluster is deleted afterwards.
import { execFileSync } from "node:child_process";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlineTools } from "../harness.ts";
import { devJson, devUp, ofType, sampleProject, type DevProcess, type SampleProject } from "../up/project.ts";

const CLUSTER = "devup-e2e-ingress";
const HTTP_PORT = 20800; // this test's port range: 20000-20999
const FORWARD_OFFSET = 12100; // the samples' forwards 8080-8082 → 20180-20182

let project: SampleProject;
let run: DevProcess | undefined;
let stopped = false;

function deleteCluster(): void {
  const { kind } = offlineTools();
  if (execFileSync(kind, ["get", "clusters"], { encoding: "utf8" }).split("\n").includes(CLUSTER)) {
    execFileSync(kind, ["delete", "cluster", "--name", CLUSTER], { stdio: "inherit" });
  }
}

beforeAll(async () => {
  deleteCluster(); // left over from an interrupted run: this test wants devup to create it
  project = await sampleProject("e2e-ingress", FORWARD_OFFSET);
  await project.edit("dev.yaml", /^ {2}name: .*$/m, `  name: ${CLUSTER}`);
  await project.edit("dev.yaml", "httpPort: 8000", `httpPort: ${HTTP_PORT}`);
});

afterAll(async () => {
  if (run && !stopped) {
    run.process.kill("SIGINT");
    await run.process;
  }
  try {
    deleteCluster();
  } finally {
    await project?.cleanup();
  }
});

/** GET through the ingress host port with a Host header (no DNS for *.localhost needed). */
function viaIngress(host: string, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: HTTP_PORT, path, headers: { host }, timeout: 5000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"] ?? ""), body }));
    });
    req.on("timeout", () => req.destroy(new Error(`GET http://${host}:${HTTP_PORT}${path} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/** The first answer that `accept` takes, retried for a while (Traefik picks up new Ingress objects within seconds). */
async function answer(host: string, path: string, accept: (r: { status: number; type: string; body: string }) => boolean) {
  const deadline = Date.now() + 60_000;
  let last: unknown;
  for (;;) {
    try {
      const r = await viaIngress(host, path);
      if (accept(r)) return r;
      last = r;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`http://${host}:${HTTP_PORT}${path}: no acceptable answer within 60 s; last: ${JSON.stringify(last, null, 1) ?? String(last)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe("ingress", () => {
  it("dev up creates the cluster with the port mapping, installs Traefik and each route answers from its service", async () => {
    run = devUp(project.dir, ["--no-watch"]);
    const summary = await run.waitFor("summary", 12 * 60_000);
    expect(summary.ready).toEqual(["accounts", "users", "website"]);
    expect(summary.ingress).toBe("ready");
    const ingress = ofType(run.events, "engine.ingress");
    expect(ingress.map((e) => e.status)).toEqual(["installing", "ready"]);
    expect(ingress[1]!.routes).toEqual([
      { url: `http://api.localhost:${HTTP_PORT}/accounts`, service: "accounts" },
      { url: `http://api.localhost:${HTTP_PORT}/v1/users`, service: "users" },
      { url: `http://api.localhost:${HTTP_PORT}/v2/users`, service: "users" },
      { url: `http://localhost:${HTTP_PORT}/`, service: "website" },
    ]);

    // users: /v1/users is the list of names, /v2/users the full records.
    const v1 = await answer("api.localhost", "/v1/users", (r) => r.status === 200);
    expect(JSON.parse(v1.body)).toEqual(["ada", "grace", "linus"]);
    const v2 = await answer("api.localhost", "/v2/users", (r) => r.status === 200);
    expect(JSON.parse(v2.body)).toMatchObject({ count: 3, users: [{ name: "ada", accountId: 100 }, { name: "grace" }, { name: "linus" }] });
    // accounts: its currency comes from its own config.
    const accounts = await answer("api.localhost", "/accounts", (r) => r.status === 200);
    expect(JSON.parse(accounts.body)).toMatchObject({ currency: "EUR" });
    // website: the HTML page, filled from users and accounts inside the cluster.
    // (Retried until the page lists the users: right after start-up a first page may find an upstream
    // not answering yet, as the website's own "upstream unavailable" log line then says.)
    const page = await answer("localhost", "/", (r) => r.status === 200 && r.body.includes("<li>ada"));
    expect(page.type).toContain("text/html");
    expect(page.body).toContain("<h1>devup shop</h1>");
    expect(page.body).toContain("<li>ada — account 100 (team)</li>");
    // The host decides: api.localhost has no "/" route (the website's is on localhost only).
    expect(await viaIngress("api.localhost", "/")).toMatchObject({ status: 404, body: "404 page not found\n" }); // Traefik's
    expect(await viaIngress("localhost", "/v1/users")).toMatchObject({ status: 404, body: "not found\n" }); // the website's own

    run.process.kill("SIGINT");
    stopped = true;
    expect((await run.process).exitCode).toBe(0);
  });

  it("dev status lists each route's URL and the controller's state", async () => {
    const json = await devJson(project.dir, ["status"]);
    expect(json.code).toBe(0);
    const status = ofType(json.events, "status")[0]!;
    expect(status.ingress).toMatchObject({ controller: "ready" });
    expect((status.ingress as { routes: Array<{ url: string; service: string }> }).routes.map((r) => `${r.url} → ${r.service}`)).toEqual([
      `http://api.localhost:${HTTP_PORT}/accounts → accounts`,
      `http://api.localhost:${HTTP_PORT}/v1/users → users`,
      `http://api.localhost:${HTTP_PORT}/v2/users → users`,
      `http://localhost:${HTTP_PORT}/ → website`,
    ]);
  });
});
