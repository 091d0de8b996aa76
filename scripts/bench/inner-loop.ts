// Benchmark: the inner loop of `dev up` on the shared e2e kind cluster (issue 5 figures).
//  1. edit → served, sync path: 10 edits of users' src/server.js (synced, process restarted), each
//     polled on the forwarded URL until the new content is served: median and max (target median <= 1.0 s)
//  2. edit → served, rebuild path: a Dockerfile change of users (target <= 8 s)
//  3. idle CPU and memory of the `dev up` process: 30 s before, and 60 s after, a tree of 20,000
//     files is created in accounts' build context (target <= 1% of one core, RSS <= 120 MB: issue 16)
// Run: scripts/bench/inner-loop (the built CLI through ./dev). Uses a copy of the samples named
// bench-inner (namespace bench-inner) on the cluster devup-e2e (DEVUP_E2E_CLUSTER), forwards on
// 127.0.0.1:22080-22082, and removes all of it afterwards. Prints figures; does not pass or fail.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const node = join(root, ".tools/bin/node");
const cli = join(root, "packages/cli/dist/main.js");
const PROJECT = "bench-inner";
const CLUSTER = process.env.DEVUP_E2E_CLUSTER ?? "devup-e2e";
const OFFSET = 14000; // 8080-8082 → 22080-22082
const INFO = `http://127.0.0.1:${8081 + OFFSET}/info`;
const EDITS = Number(process.env.BENCH_EDITS ?? 10);
const TREE_FILES = 20_000;
const dir = mkdtempSync(join(tmpdir(), "devup-bench-inner-"));

cpSync(join(root, "services"), join(dir, "services"), { recursive: true, filter: (s) => !s.endsWith("/secret.env") });
writeFileSync(join(dir, "dev.yaml"), readFileSync(join(root, "dev.yaml"), "utf8").replace(/^name: .*$/m, `name: ${PROJECT}`).replace(/^ {2}name: devup$/m, `  name: ${CLUSTER}`));
for (const svc of ["users", "accounts", "website"]) {
  const f = join(dir, "services", svc, "service.yaml");
  writeFileSync(f, readFileSync(f, "utf8").replace(/forward: (\d+)/, (_m, p: string) => `forward: ${Number(p) + OFFSET}`));
}

type Event = Record<string, unknown>;
const events: Event[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => Number(process.hrtime.bigint() / 1_000_000n);

function startUp(): ChildProcess {
  // Through the ./dev launcher, as people run it (it execs node with devup's flags: same pid).
  const child = spawn(join(root, "dev"), ["up", "--output", "json", "--cwd", dir], { stdio: ["ignore", "pipe", "pipe"], detached: true });
  let out = "";
  child.stdout.on("data", (c: Buffer) => {
    out += c.toString();
    const lines = out.split("\n");
    out = lines.pop() ?? "";
    for (const l of lines) if (l.startsWith("{")) events.push(JSON.parse(l) as Event);
  });
  child.stderr.on("data", () => undefined);
  return child;
}

async function waitFor(what: string, ok: () => boolean | Promise<boolean>, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = now() + timeoutMs;
  while (!(await ok())) {
    if (child.exitCode !== null) throw new Error(`dev up exited (${child.exitCode}) while waiting for ${what}; last events: ${JSON.stringify(events.slice(-5))}`);
    if (now() > deadline) throw new Error(`no ${what} within ${timeoutMs / 1000} s; last events: ${JSON.stringify(events.slice(-5))}`);
    await sleep(100);
  }
}

async function info(): Promise<Event | undefined> {
  try {
    const res = await fetch(INFO, { signal: AbortSignal.timeout(2000) });
    return res.ok ? ((await res.json()) as Event) : undefined;
  } catch {
    return undefined;
  }
}

/** Polls the forwarded URL every 20 ms until `ok`; the milliseconds since `since`. */
async function servedAfter(since: number, ok: (body: Event) => boolean, timeoutMs: number): Promise<number> {
  for (;;) {
    const body = await info();
    if (body && ok(body)) return now() - since;
    if (now() - since > timeoutMs) throw new Error(`not served within ${timeoutMs} ms; last: ${JSON.stringify(body)}`);
    await sleep(20);
  }
}

function edit(file: string, from: string | RegExp, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, "utf8");
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit of ${file} changed nothing`);
  writeFileSync(path, next);
}

const ticksPerSecond = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim() || 100);
function cpuSeconds(pid: number): number {
  // Fields after the command name: state is field 3; utime and stime are fields 14 and 15.
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}
function memoryMb(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rss: kb("VmRSS") / 1024, hwm: kb("VmHWM") / 1024 };
}
async function idle(pid: number, seconds: number): Promise<{ cpuPercent: number; rss: number; hwm: number }> {
  const c0 = cpuSeconds(pid);
  const t0 = now();
  await sleep(seconds * 1000);
  const cpu = cpuSeconds(pid) - c0;
  return { cpuPercent: (100 * cpu) / ((now() - t0) / 1000), ...memoryMb(pid) };
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const row = (label: string, value: string, target?: string) => console.log(`${label.padEnd(58)} ${value.padStart(10)}${target ? `   (${target})` : ""}`);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** 3. Idle, then 20,000 files in a watched build context: idle CPU and memory of the dev process. */
async function treeFigures(pid: number, up: ChildProcess): Promise<void> {
  await sleep(3000);
  const before = await idle(pid, 30);
  row("idle CPU before the tree (30 s, % of one core)", `${before.cpuPercent.toFixed(2)} %`);
  row("RSS before the tree (VmRSS)", `${before.rss.toFixed(0)} MB`);
  const readyBefore = events.filter((e) => e.type === "engine.ready" && e.service === "accounts").length;
  const failedBefore = events.filter((e) => e.type === "engine.failed" && e.service === "accounts").length;
  const eventsBefore = events.length;
  const t0 = now();
  const tree = join(dir, "services/accounts/fixtures");
  for (let d = 0; d < 100; d++) {
    mkdirSync(join(tree, `d${d}`), { recursive: true });
    // Contents unique to this run, so the image is really built (an earlier run's would be reused).
    for (let f = 0; f < TREE_FILES / 100; f++) writeFileSync(join(tree, `d${d}`, `f${f}.json`), `{"d":${d},"f":${f},"run":${t0}}\n`);
  }
  const written = now() - t0;
  // The tree is a build input of accounts: a rebuild (and a follow-up for files written during it)
  // follows; measure once accounts is ready and no update of it started for 5 s.
  let lastUpdate = events.length;
  let quietSince = now();
  await waitFor(
    "accounts rebuilt and settled after the tree",
    () => {
      const mine = events.filter((e, i) => i >= lastUpdate && e.service === "accounts" && e.type === "engine.update-start");
      if (mine.length) {
        lastUpdate = events.length;
        quietSince = now();
      }
      const done = events.filter((e) => e.type === "engine.ready" && e.service === "accounts").length > readyBefore || events.filter((e) => e.type === "engine.failed" && e.service === "accounts").length > failedBefore;
      const last = events.filter((e) => e.service === "accounts" && (e.type === "engine.ready" || e.type === "engine.failed" || e.type === "engine.update-start")).at(-1);
      return done && last?.type !== "engine.update-start" && now() - quietSince > 5000;
    },
    10 * 60_000,
    up,
  );
  const rebuilds = events.slice(eventsBefore).filter((e) => e.type === "engine.build" && e.service === "accounts" && e.action === "built").length;
  const steps = events.slice(eventsBefore).filter((e) => e.service === "accounts" && ["engine.update-start", "engine.build", "engine.ready", "engine.failed"].includes(String(e.type)));
  console.log(`  accounts after the tree: ${steps.map((e) => `${String(e.type).slice(7)}${typeof e.action === "string" ? `:${e.action}` : ""}${e.type === "engine.failed" ? ` (${(e.error as { message?: string } | undefined)?.message ?? ""})` : ""}`).join(" → ")}`);
  row(`${TREE_FILES} files written (by this script)`, fmt(written));
  row(`  → accounts updated (${rebuilds} build${rebuilds === 1 ? "" : "s"}) and settled`, fmt(now() - t0 - 5000));
  const after = await idle(pid, 60);
  row(`idle CPU watching +${TREE_FILES} files (60 s, % of one core)`, `${after.cpuPercent.toFixed(2)} %`, `target <= 1 %: ${after.cpuPercent <= 1 ? "met" : "MISSED"}`);
  row("RSS of the dev process now (VmRSS)", `${after.rss.toFixed(0)} MB`, `target <= 120 MB: ${after.rss <= 120 ? "met" : "MISSED"}`);
  row("peak RSS of the dev process (VmHWM)", `${after.hwm.toFixed(0)} MB`);
}

let child: ChildProcess | undefined;
try {
  const started = now();
  child = startUp();
  const up = child;
  await waitFor("watching event", () => events.some((e) => e.type === "watching"), 10 * 60_000, up);
  await waitFor("users served on the forward", async () => (await info()) !== undefined, 120_000, up);
  row("dev up (this project's images built) to users served", fmt(now() - started));
  await sleep(1000); // the watcher's first scan

  // 1. Sync path. Where the time goes, per edit (wall clock, the same on both sides): edit → the
  //    update starts (watcher + coalescing), → synced (tar + exec + restart signal), → the new
  //    process started (from its uptime), → served through the forward.
  const times: number[] = [];
  const steps: number[] = [];
  const parts: Array<[number, number, number, number]> = [];
  const buildsBefore = events.filter((e) => e.type === "engine.build" && e.action === "built").length;
  for (let i = 1; i <= EDITS; i++) {
    const seen = events.filter((e) => e.type === "engine.synced").length;
    const t0 = now();
    const wall0 = Date.now();
    edit("services/users/src/server.js", /\[200, \{ service: "users",( edit: \d+,)? version/, `[200, { service: "users", edit: ${i}, version`);
    let uptime = 0;
    times.push(
      await servedAfter(t0, (b) => {
        uptime = Number(b.uptimeSeconds);
        return b.edit === i;
      }, 60_000),
    );
    const servedWall = Date.now();
    await waitFor("engine.synced", () => events.filter((e) => e.type === "engine.synced").length > seen, 30_000, up);
    const synced = events.filter((e) => e.type === "engine.synced").at(-1)!;
    steps.push(Number(synced.durationMs));
    const start = events.filter((e) => e.type === "engine.update-start" && e.service === "users").at(-1);
    const startAt = Number(start?.at);
    parts.push([startAt - wall0, Number(synced.durationMs), servedWall - uptime * 1000 - (startAt + Number(synced.durationMs)), uptime * 1000]);
    await sleep(300);
  }
  const builtOnSync = events.filter((e) => e.type === "engine.build" && e.action === "built").length - buildsBefore;
  row(`edit → served, sync path: median of ${EDITS}`, fmt(median(times)), `target <= 1.0 s: ${median(times) <= 1000 ? "met" : "MISSED"}`);
  row(`edit → served, sync path: max of ${EDITS}`, fmt(Math.max(...times)));
  row("  of which the sync step (tar + exec + restart), median", fmt(median(steps)));
  console.log(`  each edit: ${times.map((t) => t.toFixed(0)).join(", ")} ms${builtOnSync ? ` (WARNING: ${builtOnSync} rebuilds happened)` : ""}`);
  const m = (i: number) => median(parts.map((p) => p[i]!)).toFixed(0);
  console.log(`  medians: edit → update starts ${m(0)} ms; sync (tar + exec + restart signal) ${m(1)} ms; → new process up ${m(2)} ms; process up → served ${m(3)} ms`);

  // 2. Rebuild path.
  const version = `bench-${Date.now()}`;
  const r0 = now();
  edit("services/users/Dockerfile", "ENV PORT=8080", `ENV PORT=8080 APP_VERSION=${version}`);
  const rebuild = await servedAfter(r0, (b) => b.version === version, 5 * 60_000);
  row("edit → served, rebuild path (users Dockerfile)", fmt(rebuild), `target <= 8 s: ${rebuild <= 8000 ? "met" : "MISSED"}`);

  const pid = up.pid!;
  const afterEdits = memoryMb(pid);
  row("RSS of the dev process after the edits (VmRSS / VmHWM)", `${afterEdits.rss.toFixed(0)} / ${afterEdits.hwm.toFixed(0)} MB`);
  if (process.env.BENCH_SKIP_TREE) console.log("BENCH_SKIP_TREE: no idle and tree figures");
  else await treeFigures(pid, up);
  console.log(`load average during the run: ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")} (other work on this machine skews every figure)`);
} catch (error) {
  console.log(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
} finally {
  if (child?.pid && child.exitCode === null) {
    process.kill(-child.pid, "SIGINT");
    await new Promise((r) => child!.once("exit", r));
  }
  spawnSync(node, [cli, "down", "--cwd", dir], { stdio: "ignore" });
  rmSync(dir, { recursive: true, force: true });
}
