// Benchmark: time from `dev rollback users` to serving (ready, and answering GET /health through a
// port-forward), on the real kind cluster, for the sample service users:
//  1. after a crashing deploy (the previous pods still serve: maxUnavailable 0), median of 3
//  2. from a ready revision to the one before it (new pods must start), median of 3
// Each figure is the wall time of the whole `dev rollback` process (Node start-up, reading the
// history, apply, rollout watch, serving check), with the CLI's own ready/serving split beside it.
// Run: scripts/bench/rollback (DEVUP_BENCH_CLUSTER=NAME to use another kind cluster than dev.yaml's).
// Uses a copy of the samples named bench-ro (namespace bench-ro) and removes it afterwards.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const node = join(root, ".tools/bin/node");
const cli = join(root, "packages/cli/dist/main.js");
const dir = mkdtempSync(join(tmpdir(), "devup-bench-rollback-"));
const PROJECT = "bench-ro";

cpSync(join(root, "services"), join(dir, "services"), { recursive: true, filter: (s) => !s.endsWith("/secret.env") });
let devYaml = readFileSync(join(root, "dev.yaml"), "utf8").replace(/^name: .*$/m, `name: ${PROJECT}`);
if (process.env.DEVUP_BENCH_CLUSTER) devYaml = devYaml.replace(/^ {2}name: .*$/m, `  name: ${process.env.DEVUP_BENCH_CLUSTER}`);
writeFileSync(join(dir, "dev.yaml"), devYaml);
const server = join(dir, "services/users/src/server.js");
const original = readFileSync(server, "utf8");

interface Event {
  type: string;
  [k: string]: unknown;
}

function dev(args: string[], mayFail = false): { ms: number; events: Event[] } {
  const start = process.hrtime.bigint();
  const r = spawnSync(node, [cli, ...args, "--output", "json", "--cwd", dir], { encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0 && !mayFail) throw new Error(`dev ${args.join(" ")} failed:\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
  return { ms, events: r.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Event) };
}

function version(n: number, crash = false): void {
  const marked = original.replace('"/health": () => [200, { status: "ok" }],', `"/health": () => [200, { status: "ok", bench: ${n} }],`);
  writeFileSync(server, crash ? `process.exit(3);\n${marked}` : marked);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function rollback(): { wall: number; ready: number; serving: number } {
  const r = dev(["rollback", "users"]);
  const result = r.events.find((e) => e.type === "rollback");
  if (!result) throw new Error("no rollback result");
  return { wall: r.ms, ready: result.readyMs as number, serving: result.servingMs as number };
}

function report(label: string, runs: Array<{ wall: number; ready: number; serving: number }>): void {
  console.log(
    `${label.padEnd(58)} ${s(median(runs.map((r) => r.wall))).padStart(7)}   (in the CLI: ready ${s(median(runs.map((r) => r.ready)))}, serving ${s(median(runs.map((r) => r.serving)))}; max ${s(Math.max(...runs.map((r) => r.wall)))})`,
  );
}

try {
  version(0);
  dev(["apply"]);
  const afterCrash = [];
  for (let i = 1; i <= 3; i++) {
    version(100 + i, true);
    const bad = dev(["apply", "--timeout", "120"], true);
    if (!bad.events.some((e) => e.type === "engine.failed")) throw new Error("the crashing deploy did not fail");
    afterCrash.push(rollback());
  }
  report("dev rollback after a crashing deploy → serving (median of 3)", afterCrash);
  const fromReady = [];
  for (let i = 1; i <= 3; i++) {
    version(200 + i);
    dev(["apply"]);
    fromReady.push(rollback());
  }
  report("dev rollback from a ready revision → serving (median of 3)", fromReady);
} finally {
  spawnSync(node, [cli, "down", "--cwd", dir], { stdio: "ignore" });
  rmSync(dir, { recursive: true, force: true });
}
