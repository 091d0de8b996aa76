// Benchmark: `dev run-local` of the sample services on the real Docker engine (issue 6 figures).
//  1. cold: no image of this project yet, to every service healthy and answering
//  2. warm: images there (no build), to every service healthy and answering (median of 3)
//  3. sync: edit users' src/server.js (under its sync rule, then: restart) → the port serves the edit (median of 3)
//  4. rebuild: edit users' Dockerfile (outside every sync rule) → rebuilt, container replaced, serving the edit (median of 3)
// Run: scripts/bench/run-local. Uses a copy of the samples named bench-local (forwards 25380–25382),
// and removes its containers, network and images afterwards. Prints figures; does not pass or fail.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const node = join(root, ".tools/bin/node");
const cli = join(root, "packages/cli/dist/main.js");
const dir = mkdtempSync(join(tmpdir(), "devup-bench-run-local-"));
const PROJECT = "bench-local";
const OFFSET = 17300;
const forwards = [8080, 8081, 8082].map((p) => p + OFFSET);
const users = `http://127.0.0.1:${8081 + OFFSET}`;

cpSync(join(root, "services"), join(dir, "services"), { recursive: true, filter: (s) => !s.endsWith("/secret.env") });
writeFileSync(join(dir, "dev.yaml"), readFileSync(join(root, "dev.yaml"), "utf8").replace(/^name: .*$/m, `name: ${PROJECT}`));
for (const svc of ["users", "accounts", "website"]) {
  const f = join(dir, "services", svc, "service.yaml");
  writeFileSync(f, readFileSync(f, "utf8").replace(/forward: (\d+)/, (_m, p: string) => `forward: ${Number(p) + OFFSET}`));
}

interface Running {
  child: ChildProcess;
  events: Array<Record<string, unknown>>;
  start: bigint;
}

function runLocal(): Running {
  const child = spawn(node, [cli, "run-local", "--output", "json", "--cwd", dir], { stdio: ["ignore", "pipe", "pipe"] });
  const events: Array<Record<string, unknown>> = [];
  let out = "";
  child.stdout.on("data", (c: Buffer) => {
    out += c.toString();
    const lines = out.split("\n");
    out = lines.pop() ?? "";
    for (const l of lines) if (l.startsWith("{")) events.push(JSON.parse(l) as Record<string, unknown>);
  });
  child.stderr.resume();
  return { child, events, start: process.hrtime.bigint() };
}

const since = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 5 * 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const body = (url: string) => fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => (r.ok ? r.text() : undefined), () => undefined);

/** Starts run-local and returns the time until every forward's /health answers after the summary. */
async function startedAndServed(r: Running): Promise<number> {
  await until("summary", () => Promise.resolve(r.events.some((e) => e.type === "summary") || r.child.exitCode !== null));
  if (r.child.exitCode !== null) throw new Error(`dev run-local exited (${r.child.exitCode}) before it was ready`);
  await until("all served", async () => (await Promise.all(forwards.map((p) => body(`http://127.0.0.1:${p}/health`)))).every((b) => b !== undefined));
  return since(r.start);
}

async function stop(r: Running): Promise<void> {
  r.child.kill("SIGINT");
  await new Promise((resolve) => (r.child.exitCode !== null ? resolve(undefined) : r.child.on("exit", resolve)));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const line = (label: string, ms: number) => console.log(`${label.padEnd(72)} ${(ms / 1000).toFixed(1).padStart(6)} s`);
const removeImages = () => {
  const old = spawnSync("docker", ["images", "-q", "--filter", `reference=devup.local/${PROJECT}-*`], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);
  if (old.length) spawnSync("docker", ["rmi", "-f", ...new Set(old)], { stdio: "ignore" });
};

let running: Running | undefined;
try {
  removeImages();
  running = runLocal();
  line("cold dev run-local (no images) to all healthy and served", await startedAndServed(running));
  await stop(running);
  const warm: number[] = [];
  for (let i = 0; i < 3; i++) {
    running = runLocal();
    warm.push(await startedAndServed(running));
    if (running.events.some((e) => e.type === "engine.build" && e.action === "built")) throw new Error("a warm run built an image");
    if (i < 2) await stop(running);
  }
  line("warm dev run-local (images there) to all served (median of 3)", median(warm));
  await until("watching", () => Promise.resolve(running!.events.some((e) => e.type === "watching")));

  const server = join(dir, "services/users/src/server.js");
  const syncs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const marker = `bench-sync-${i}-${Date.now()}`;
    const text = readFileSync(server, "utf8").replace(/"\/health": \(\) => \[200, \{[^}]*\}\]/, `"/health": () => [200, { status: "ok", marker: "${marker}" }]`);
    const start = process.hrtime.bigint();
    writeFileSync(server, text);
    await until("sync served", async () => (await body(`${users}/health`))?.includes(marker) ?? false, 60_000);
    syncs.push(since(start));
  }
  line("sync: edit users/src/server.js → served (median of 3)", median(syncs));

  const dockerfile = join(dir, "services/users/Dockerfile");
  const rebuilds: number[] = [];
  for (let i = 0; i < 3; i++) {
    const version = `bench-rebuild-${i}-${Date.now()}`;
    const text = readFileSync(dockerfile, "utf8").replace(/\nENV APP_VERSION=.*|$/, `\nENV APP_VERSION=${version}`);
    const start = process.hrtime.bigint();
    writeFileSync(dockerfile, text.endsWith("\n") ? text : `${text}\n`);
    await until("rebuild served", async () => (await body(`${users}/info`))?.includes(version) ?? false, 3 * 60_000);
    rebuilds.push(since(start));
  }
  line("rebuild: edit users/Dockerfile → rebuilt, replaced, served (median of 3)", median(rebuilds));
  console.log(`machine: ${spawnSync("nproc", { encoding: "utf8" }).stdout.trim()} cores, load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")} (other work on the machine skews these)`);
} finally {
  if (running && running.child.exitCode === null) await stop(running);
  spawnSync("docker", ["rm", "-f", ...["users", "accounts", "website"].map((s) => `devup-${PROJECT}-${s}`)], { stdio: "ignore" });
  spawnSync("docker", ["network", "rm", `devup-${PROJECT}-local`], { stdio: "ignore" });
  removeImages();
  rmSync(dir, { recursive: true, force: true });
}
