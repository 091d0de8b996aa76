// Benchmark: devup against Skaffold, in turn, on one kind cluster, one app, the same edits (issue 16).
//   app: one Node file serving www/message.txt (read per request: the synced path) and build.txt
//        (baked into the image: the rebuild path), health on /health.
//   figures per tool: start → first answer through its forward; BENCH_EDITS (5) edits of each path,
//   edit → new content served (median and max); the ratio devup / Skaffold.
// Run: scripts/bench/peers (it builds Skaffold, puts kubectl and kind on PATH). The cluster is
// DEVUP_BENCH_CLUSTER (default devup-bench), created by `dev up` when missing and kept afterwards
// (delete it with `dev down --cluster` or kind). Forwards on 127.0.0.1:23080 (devup) and :23090
// (Skaffold). Skaffold pushes to the harness's registry (localhost:5001) with its local builder,
// metrics and update checks off. Prints figures; does not pass or fail.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const node = join(root, ".tools/bin/node");
const cli = join(root, "packages/cli/dist/main.js");
const CLUSTER = process.env.DEVUP_BENCH_CLUSTER ?? "devup-bench";
const CONTEXT = `kind-${CLUSTER}`;
const EDITS = Number(process.env.BENCH_EDITS ?? 5);
const REGISTRY = "localhost:5001";
const PORTS = { devup: 23080, skaffold: 23090 } as const;
type Tool = keyof typeof PORTS;

const dir = mkdtempSync(join(tmpdir(), "devup-bench-peers-"));
const app = join(dir, "services/app");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => Number(process.hrtime.bigint() / 1_000_000n);

function write(path: string, text: string): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
}

// ── the app, the devup spec and the Skaffold config, side by side in one folder ─────────────────
write(
  join(app, "server.js"),
  `const http = require("node:http");
const fs = require("node:fs");
const built = fs.readFileSync(__dirname + "/build.txt", "utf8").trim();
http.createServer((req, res) => {
  if (req.url === "/message") return res.end(fs.readFileSync(__dirname + "/www/message.txt", "utf8").trim());
  if (req.url === "/build") return res.end(built);
  res.end("ok");
}).listen(Number(process.env.PORT ?? 8080));
`,
);
write(join(app, "www/message.txt"), "message 0\n");
write(join(app, "build.txt"), "build 0\n");
write(
  join(app, "Dockerfile"),
  `FROM node:24-slim
WORKDIR /app
COPY server.js build.txt ./
COPY www ./www
ENV PORT=8080
EXPOSE 8080
CMD ["node", "server.js"]
`,
);
write(join(dir, "dev.yaml"), `name: peer-devup\ncluster:\n  name: ${CLUSTER}\n`);
write(
  join(app, "service.yaml"),
  `build: { context: . }
ports:
  - { name: http, port: 8080, forward: ${PORTS.devup} }
health:
  http: { path: /health }
sync:
  - from: www
    to: /app/www
`,
);
write(
  join(dir, "k8s.yaml"),
  `apiVersion: apps/v1
kind: Deployment
metadata: { name: peer-app, labels: { app: peer-app } }
spec:
  selector: { matchLabels: { app: peer-app } }
  template:
    metadata: { labels: { app: peer-app } }
    spec:
      containers:
        - name: app
          image: peer-app
          ports: [{ containerPort: 8080 }]
          readinessProbe: { httpGet: { path: /health, port: 8080 }, periodSeconds: 1 }
---
apiVersion: v1
kind: Service
metadata: { name: peer-app }
spec:
  selector: { app: peer-app }
  ports: [{ port: 8080, targetPort: 8080 }]
`,
);
write(
  join(dir, "skaffold.yaml"),
  `apiVersion: skaffold/v4beta13
kind: Config
metadata: { name: peer-skaffold }
build:
  local: { push: true, useBuildkit: false, useDockerCLI: false }
  artifacts:
    - image: peer-app
      context: services/app
      docker: { dockerfile: Dockerfile }
      sync:
        manual:
          - { src: "www/*", dest: /app }
manifests:
  rawYaml: [k8s.yaml]
deploy:
  kubectl: {}
portForward:
  - { resourceType: service, resourceName: peer-app, port: 8080, localPort: ${PORTS.skaffold} }
`,
);
const skaffoldConfig = join(dir, "skaffold-global.yaml");
write(skaffoldConfig, "global:\n  collect-metrics: false\n  update-check: false\n  survey: { disable-prompt: true }\nkubeContexts: []\n");

// ── measuring ───────────────────────────────────────────────────────────────────────────────────
async function get(tool: Tool, path: string): Promise<string | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${PORTS[tool]}${path}`, { signal: AbortSignal.timeout(2000) });
    return res.ok ? (await res.text()).trim() : undefined;
  } catch {
    return undefined;
  }
}

/** Polls every 20 ms until `path` answers `want`; the milliseconds since `since`. */
async function servedAfter(tool: Tool, path: string, want: string, since: number, timeoutMs: number, child: ChildProcess): Promise<number> {
  for (;;) {
    const body = await get(tool, path);
    if (body === want) return now() - since;
    if (child.exitCode !== null) throw new Error(`${tool} exited (${child.exitCode}) while waiting for ${path} = ${want}; last output:\n${tail.get(tool)?.join("\n")}`);
    if (now() - since > timeoutMs) throw new Error(`${tool}: ${path} did not answer ${want} within ${timeoutMs} ms (last: ${body}); last output:\n${tail.get(tool)?.join("\n")}`);
    await sleep(20);
  }
}

const tail = new Map<Tool, string[]>();
function start(tool: Tool): ChildProcess {
  const [cmd, args] =
    tool === "devup"
      ? [node, [cli, "up", "--no-tui", "--cwd", dir]]
      : ["skaffold", ["dev", "--config", skaffoldConfig, "--port-forward=user", `--default-repo=${REGISTRY}`, `--kube-context=${CONTEXT}`, "--namespace=peer-skaffold", "--update-check=false", "--skip-tests", "--cleanup=true"]];
  const child = spawn(cmd, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"], detached: true, env: { ...process.env, SKAFFOLD_UPDATE_CHECK: "false" } });
  const lines: string[] = [];
  tail.set(tool, lines);
  const keep = (c: Buffer) => {
    lines.push(...c.toString().split("\n").filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - 30));
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const done = new Promise((r) => child.once("exit", r));
  process.kill(-child.pid, "SIGINT");
  await Promise.race([done, sleep(60_000)]);
  if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface Figures {
  firstAnswer: number;
  sync: number[];
  rebuild: number[];
}

async function measure(tool: Tool): Promise<Figures> {
  write(join(app, "www/message.txt"), "message 0\n");
  write(join(app, "build.txt"), `build 0 ${tool} ${Date.now()}\n`);
  const t0 = now();
  const child = start(tool);
  try {
    const firstAnswer = await servedAfter(tool, "/message", "message 0", t0, 600_000, child);
    await sleep(3000); // let the tool settle (watchers armed, status checks done)
    const sync: number[] = [];
    for (let i = 1; i <= EDITS; i++) {
      const want = `message ${i} ${tool} ${Date.now()}`;
      const t = now();
      write(join(app, "www/message.txt"), `${want}\n`);
      sync.push(await servedAfter(tool, "/message", want, t, 60_000, child));
      await sleep(1500);
    }
    const rebuild: number[] = [];
    for (let i = 1; i <= EDITS; i++) {
      const want = `build ${i} ${tool} ${Date.now()}`;
      const t = now();
      write(join(app, "build.txt"), `${want}\n`);
      rebuild.push(await servedAfter(tool, "/build", want, t, 180_000, child));
      await sleep(3000);
    }
    return { firstAnswer, sync, rebuild };
  } finally {
    await stop(child);
  }
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
function report(d: Figures, s: Figures): void {
  const load = spawnSync("cat", ["/proc/loadavg"], { encoding: "utf8" }).stdout.trim().split(" ").slice(0, 3).join(" ");
  console.log(`\npeer benchmark: ${EDITS} edits per path, cluster ${CLUSTER}, load average ${load}`);
  console.log(`${"edit → served".padEnd(30)} ${"devup".padStart(22)} ${"Skaffold".padStart(22)} ${"ratio".padStart(7)}`);
  const line = (label: string, a: number[], b: number[]) =>
    console.log(
      `${label.padEnd(30)} ${`${fmt(median(a))} (max ${fmt(Math.max(...a))})`.padStart(22)} ${`${fmt(median(b))} (max ${fmt(Math.max(...b))})`.padStart(22)} ${(median(a) / median(b)).toFixed(2).padStart(7)}`,
    );
  line("synced file (median)", d.sync, s.sync);
  line("rebuild + roll out (median)", d.rebuild, s.rebuild);
  line("start → first answer", [d.firstAnswer], [s.firstAnswer]);
  const version = spawnSync("skaffold", ["version"], { encoding: "utf8" }).stdout.trim();
  console.log(`Skaffold ${version} (local builder through the engine API, push to ${REGISTRY}, kubectl deploy, its sync); devup with its own defaults`);
}

async function main(): Promise<void> {
  // The cluster (offline node image, local registry) exists before either tool is timed: devup
  // creates it when missing, in an untimed `dev apply` + `dev down` first.
  spawnSync(node, [cli, "apply", "--cwd", dir], { stdio: "inherit" });
  spawnSync(node, [cli, "down", "--cwd", dir], { stdio: "inherit" });
  // `dev down` returns while the namespace terminates; a new one cannot be made until it is gone.
  for (let i = 0; i < 120 && spawnSync("kubectl", ["--context", CONTEXT, "get", "namespace", "peer-devup"], { stdio: "ignore" }).status === 0; i++) await sleep(1000);
  const d = await measure("devup");
  spawnSync(node, [cli, "down", "--cwd", dir], { stdio: "inherit" });
  spawnSync("kubectl", ["--context", CONTEXT, "create", "namespace", "peer-skaffold"], { stdio: "ignore" });
  const s = await measure("skaffold");
  spawnSync("kubectl", ["--context", CONTEXT, "delete", "namespace", "peer-skaffold", "--wait=false"], { stdio: "ignore" });
  report(d, s);
}

main()
  .catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  })
  .finally(() => rmSync(dir, { recursive: true, force: true }));
