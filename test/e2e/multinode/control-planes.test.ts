// Several control planes on the offline node image: `dev up` of a small project creates a cluster of
// its own with cluster.controlPlanes: 3 (three API servers + etcd members behind kind's haproxy load
// balancer, scripts/cluster/lb-image; flannel routes between the nodes' pod ranges; with no workers
// the control planes take the project's pods). The service answers through dev up's forward from
// pods on several nodes, and pods reach each other across nodes; `dev status` lists the 3
// control-plane nodes and `dev doctor` their roles; with one control plane stopped the API still
// answers and takes writes (etcd quorum).
// Prints the create time. The cluster is deleted afterwards unless DEVUP_KEEP_CLUSTER is set.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlineTools } from "../harness.ts";
import { devJson, devUp, ofType, type DevProcess } from "../up/project.ts";

const CLUSTER = "devup-hacp-e2e";
const NAME = "cp-shop";
const HTTP_PORT = 27800; // this test's port range: 27000-27999
const FORWARD = 27080;
let dir: string;
let run: DevProcess | undefined;
let stopped = false;
let upSeconds = 0;

const kind = (args: string[]) => execFileSync(offlineTools().kind, args, { encoding: "utf8" });
const clusterExists = () => kind(["get", "clusters"]).split("\n").includes(CLUSTER);
/** kubectl through the cluster's kubeconfig from kind: the API server behind kind's load balancer. */
function kubectl(args: string[]): string {
  return execFileSync(offlineTools().all.KUBECTL ?? "kubectl", ["--kubeconfig", join(dir, "kubeconfig"), ...args], { encoding: "utf8", timeout: 60_000 });
}

interface Pod {
  metadata: { name: string };
  spec: { nodeName?: string };
  status: { podIP?: string; phase?: string };
}

async function get(path: string): Promise<string> {
  const r = await fetch(`http://127.0.0.1:${FORWARD}${path}`, { signal: AbortSignal.timeout(3000) }).catch((e: unknown) => e as Error);
  return r instanceof Error ? `error: ${r.message}` : r.ok ? (await r.text()).trim() : `HTTP ${r.status}`;
}

beforeAll(async () => {
  if (clusterExists()) kind(["delete", "cluster", "--name", CLUSTER]); // left over: this test wants devup to create it
  dir = await mkdtemp(join(tmpdir(), "devup-cp-"));
  await writeFile(join(dir, "dev.yaml"), `name: ${NAME}\ncluster:\n  name: ${CLUSTER}\n  controlPlanes: 3\n  ingress: { httpPort: ${HTTP_PORT} }\n`);
  await mkdir(join(dir, "services/api"), { recursive: true });
  await writeFile(
    join(dir, "services/api/server.js"),
    ['const http = require("node:http");', "const os = require(\"node:os\");", 'http.createServer((q, s) => s.end(q.url === "/health" ? "ok" : os.hostname())).listen(8080);', 'process.on("SIGTERM", () => process.exit(0));', ""].join("\n"),
  );
  await writeFile(join(dir, "services/api/Dockerfile"), 'FROM node:24-slim\nCOPY server.js /srv/server.js\nCMD ["node", "/srv/server.js"]\n');
  await writeFile(join(dir, "services/api/service.yaml"), `build:\n  context: .\nreplicas: 3\nports:\n  - port: 8080\n    forward: ${FORWARD}\nhealth:\n  http: { path: /health }\n`);
});

afterAll(async () => {
  if (run && !stopped) {
    run.process.kill("SIGINT");
    await run.process;
  }
  try {
    if (!process.env.DEVUP_KEEP_CLUSTER && clusterExists()) kind(["delete", "cluster", "--name", CLUSTER]);
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
});

describe("several control planes", () => {
  it("dev up creates 3 control planes behind kind's load balancer, and the service answers through its forward from pods on several nodes", async () => {
    const started = Date.now();
    run = devUp(dir, ["--no-watch"]);
    const summary = await run.waitFor("summary", 12 * 60_000);
    upSeconds = (Date.now() - started) / 1000;
    expect(summary.ready).toEqual(["api"]);

    // The load balancer is kind's container, from the image the harness built; it is no node.
    const containers = kind(["get", "nodes", "--name", CLUSTER]).split("\n").filter(Boolean).sort();
    expect(containers).toEqual([`${CLUSTER}-control-plane`, `${CLUSTER}-control-plane2`, `${CLUSTER}-control-plane3`, `${CLUSTER}-external-load-balancer`]);

    // The answers name the pods; pods run on more than one control-plane node (untainted: no workers).
    const answers = new Set<string>();
    for (let i = 0; i < 30 && answers.size < 3; i++) {
      const answer = await get("/");
      expect(answer).toMatch(/^api-/);
      answers.add(answer);
    }
    run.process.kill("SIGINT");
    stopped = true;
    expect((await run.process).exitCode).toBe(0);

    const status = await devJson(dir, ["status"]);
    const nodes = ofType(status.events, "status")[0]!.nodes as Array<{ name: string; ready: boolean; roles: string[]; pods: Array<{ service: string }> }>;
    const withApi = nodes.filter((n) => n.pods.some((p) => p.service === "api")).map((n) => n.name);
    console.log(`control planes: dev up (cluster create + deploy) ${upSeconds.toFixed(0)} s; api pods on ${withApi.join(", ")}; the forward answered from ${[...answers].join(", ")}`);
    expect(withApi.length).toBeGreaterThan(1);

    // Pod to pod across control-plane nodes (flannel's routes): each api pod fetches every other one by IP.
    await writeFile(join(dir, "kubeconfig"), kind(["get", "kubeconfig", "--name", CLUSTER]));
    const pods = (JSON.parse(kubectl(["-n", NAME, "get", "pods", "-o", "json"])) as { items: Pod[] }).items.filter((p) => p.status.phase === "Running");
    const crossNode: string[] = [];
    for (const from of pods) {
      for (const to of pods.filter((p) => p.spec.nodeName !== from.spec.nodeName)) {
        const script = `fetch("http://${to.status.podIP}:8080/").then(r => r.text()).then(t => console.log(t), e => console.log("error: " + e.message))`;
        const answer = kubectl(["-n", NAME, "exec", from.metadata.name, "--", "node", "-e", script]).trim();
        expect(answer, `${from.spec.nodeName} → ${to.spec.nodeName}`).toBe(to.metadata.name);
        crossNode.push(`${from.spec.nodeName} → ${to.spec.nodeName}`);
      }
    }
    expect(crossNode.length).toBeGreaterThan(0);
    console.log(`pod to pod across nodes: ${crossNode.length} pairs answered`);
  });

  it("dev status lists 3 ready control-plane nodes, dev doctor names their role", async () => {
    const status = await devJson(dir, ["status"]);
    expect(status.code, status.stderr).toBe(0);
    const nodes = ofType(status.events, "status")[0]!.nodes as Array<{ name: string; ready: boolean; roles: string[] }>;
    expect(nodes.map((n) => [n.name, n.ready, n.roles])).toEqual([
      [`${CLUSTER}-control-plane`, true, ["control-plane"]],
      [`${CLUSTER}-control-plane2`, true, ["control-plane"]],
      [`${CLUSTER}-control-plane3`, true, ["control-plane"]],
    ]);
    const doctor = await devJson(dir, ["doctor"]);
    const cluster = doctor.events.find((e) => e.name === "cluster");
    expect(String(cluster?.detail)).toContain(`answers (3 nodes: ${CLUSTER}-control-plane (control-plane), ${CLUSTER}-control-plane2 (control-plane), ${CLUSTER}-control-plane3 (control-plane))`);
  });

  it("the API keeps answering through the load balancer with one control plane stopped (2 of 3 etcd members)", async () => {
    const node = `${CLUSTER}-control-plane3`;
    execFileSync("docker", ["stop", node]);
    try {
      const started = Date.now();
      let answer = "";
      // haproxy marks the stopped server down after its failed health checks; until then a request may go there.
      for (let i = 0; i < 30 && !answer.includes(`${CLUSTER}-control-plane2`); i++) {
        try {
          answer = kubectl(["get", "nodes", "-o", "name", "--request-timeout=5s"]);
        } catch {
          await new Promise((r) => setTimeout(r, 2000));
        }
      }
      console.log(`API with ${node} stopped: answered after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      expect(answer).toContain(`node/${CLUSTER}-control-plane2`);
      // A write needs the etcd quorum: 2 of 3 members.
      kubectl(["-n", NAME, "create", "configmap", "quorum-check", "--from-literal=ok=1"]);
      expect(kubectl(["-n", NAME, "get", "configmap", "quorum-check", "-o", "jsonpath={.data.ok}"])).toBe("1");
    } finally {
      execFileSync("docker", ["start", node]);
    }
  });
});
