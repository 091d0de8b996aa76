// Benchmark: `dev up` of the sample services on the real kind cluster (issue 4 figures).
//  1. cold: cluster up, no images of this project built yet
//  2. warm no-op `dev up` until every service is ready and every forward answers (target <= 2 s, issue 16)
//  3. rebuild and roll one service after a one-line change (target <= 10 s)
//  4. peak RSS of the `dev` process (target <= 120 MB, issue 16)
// Run: scripts/bench/up. Uses a copy of the samples named bench-shop (namespace bench-shop) on the
// cluster named in dev.yaml, or DEVUP_BENCH_CLUSTER (created when missing, e.g. devup-speed2 to keep off
// shared clusters), and removes the project afterwards. Prints figures; does not pass or fail.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const node = join(root, ".tools/bin/node");
const cli = join(root, "packages/cli/dist/main.js");
const dir = mkdtempSync(join(tmpdir(), "devup-bench-up-"));
const PROJECT = "bench-shop";

cpSync(join(root, "services"), join(dir, "services"), { recursive: true, filter: (s) => !s.endsWith("/secret.env") });
const cluster = process.env.DEVUP_BENCH_CLUSTER;
const devYaml = readFileSync(join(root, "dev.yaml"), "utf8").replace(/^name: .*$/m, `name: ${PROJECT}`);
writeFileSync(join(dir, "dev.yaml"), cluster ? devYaml.replace(/^ {2}name: .*$/m, `  name: ${cluster}`) : devYaml);
for (const svc of ["users", "accounts", "website"]) {
  const f = join(dir, "services", svc, "service.yaml");
  writeFileSync(f, readFileSync(f, "utf8").replace(/forward: (\d+)/, (_m, p: string) => `forward: ${Number(p) + 20000}`));
}
const forwards = [28080, 28081, 28082];

interface Run {
  ms: number;
  peakRssMb: number;
  events: Array<Record<string, unknown>>;
}

/** Runs `dev up --output json` until all forwards answer, then Ctrl-C; measures to the first answer of the last forward. */
function upUntilServed(): Promise<Run> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    // Its own process group: GNU time ignores SIGINT while it waits, so Ctrl-C goes to the group.
    const child = spawn("/usr/bin/time", ["-f", "RSS_KB=%M", node, cli, "up", "--output", "json", "--cwd", dir], { stdio: ["ignore", "pipe", "pipe"], detached: true });
    const events: Array<Record<string, unknown>> = [];
    let out = "";
    let err = "";
    let servedMs: number | undefined;
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      const lines = out.split("\n");
      out = lines.pop() ?? "";
      for (const l of lines) if (l.startsWith("{")) events.push(JSON.parse(l) as Record<string, unknown>);
    });
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    const poll = setInterval(() => {
      if (!events.some((e) => e.type === "forwarding")) return;
      void Promise.all(forwards.map((p) => fetch(`http://127.0.0.1:${p}/health`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false))).then((oks) => {
        if (servedMs !== undefined || !oks.every(Boolean)) return;
        servedMs = Number(process.hrtime.bigint() - start) / 1e6;
        clearInterval(poll);
        process.kill(-child.pid!, "SIGINT");
      });
    }, 50);
    child.on("exit", () => {
      clearInterval(poll);
      const rss = /RSS_KB=(\d+)/.exec(err);
      if (servedMs === undefined) reject(new Error(`dev up ended before serving:\n${err.slice(-2000)}`));
      else resolve({ ms: servedMs, peakRssMb: rss ? Number(rss[1]) / 1024 : NaN, events });
    });
  });
}

function timed(args: string[]): { ms: number; peakRssMb: number; stdout: string } {
  const start = process.hrtime.bigint();
  const r = spawnSync("/usr/bin/time", ["-f", "RSS_KB=%M", node, cli, ...args, "--output", "json", "--cwd", dir], { encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`dev ${args.join(" ")} failed:\n${r.stderr.slice(-2000)}`);
  const rss = /RSS_KB=(\d+)/.exec(r.stderr);
  return { ms, peakRssMb: rss ? Number(rss[1]) / 1024 : NaN, stdout: r.stdout };
}

const line = (label: string, ms: number, target?: number) =>
  console.log(`${label.padEnd(52)} ${(ms / 1000).toFixed(1).padStart(6)} s${target ? `   (target <= ${target / 1000} s: ${ms <= target ? "met" : "MISSED"})` : ""}`);

// Figures mean little on a busy machine: say how busy it was.
const load = () => `load average ${loadavg().map((x) => x.toFixed(2)).join(" ")} on ${cpus().length} cores`;
console.log(`before: ${load()}`);
try {
  // No image of this project yet: remove leftovers of earlier bench runs.
  const old = spawnSync("docker", ["images", "-q", "--filter", `reference=devup.local/${PROJECT}-*`], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);
  if (old.length) spawnSync("docker", ["rmi", "-f", ...old]);
  const rss: number[] = [];
  const cold = await upUntilServed();
  rss.push(cold.peakRssMb);
  line("cold dev up (cluster up, no images) to all served", cold.ms);
  const warm: number[] = [];
  for (let i = 0; i < 3; i++) {
    const w = await upUntilServed();
    const built = w.events.filter((e) => e.type === "engine.build" && e.action === "built").length;
    if (built) throw new Error(`warm run built ${built} images`);
    warm.push(w.ms);
    rss.push(w.peakRssMb);
  }
  warm.sort((a, b) => a - b);
  line("warm no-op dev up to all ready and served (median of 3)", warm[1]!, 2000);
  const rolls: number[] = [];
  for (let i = 0; i < 3; i++) {
    const f = join(dir, "services/users/src/server.js");
    writeFileSync(f, `${readFileSync(f, "utf8")}// bench edit ${Date.now()}\n`);
    const r = timed(["apply"]);
    rss.push(r.peakRssMb);
    rolls.push(r.ms);
  }
  rolls.sort((a, b) => a - b);
  line("one-line change: rebuild + roll one service (median of 3)", rolls[1]!, 10000);
  console.log(`${"peak RSS of the dev process (max over runs)".padEnd(52)} ${Math.max(...rss).toFixed(0).padStart(6)} MB   (target <= 120 MB: ${Math.max(...rss) <= 120 ? "met" : "MISSED"})`);
  console.log("delivery ratio (registry path vs kind load): scripts/bench/delivery");
} finally {
  spawnSync(node, [cli, "down", "--cwd", dir], { stdio: "ignore" });
  rmSync(dir, { recursive: true, force: true });
}
console.log(`after: ${load()}`);
