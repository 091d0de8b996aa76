// Benchmark: `dev --version` cold start, and load + validate + render of a generated 200-service spec.
// Run: scripts/bench/cli (builds first). Prints figures; it does not pass or fail on them. Wall time
// is what a user waits; CPU time (user + system) is steadier when other work shares the machine.
// Targets (issue 16): --version <= 50 ms; load + validate + render of 200 services <= 500 ms.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const node = join(root, ".tools/bin/node");
const cli = join(root, "packages/cli/dist/main.js");

interface Sample {
  wallMs: number;
  /** user + system CPU time of the process: what the command costs, whatever else the machine is doing. */
  cpuMs: number;
}

function time(cmd: string, args: string[], runs: number): Sample[] {
  const out: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync("/usr/bin/time", ["-f", "CPU=%U %S", cmd, ...args], { encoding: "utf8" });
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stderr}`);
    const cpu = /CPU=([\d.]+) ([\d.]+)/.exec(r.stderr);
    out.push({ wallMs, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN });
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function summary(label: string, samples: Sample[], target: number): void {
  const wall = median(samples.map((s) => s.wallMs));
  const cpu = median(samples.map((s) => s.cpuMs));
  const minWall = Math.min(...samples.map((s) => s.wallMs));
  console.log(
    `${label.padEnd(44)} wall median ${wall.toFixed(0).padStart(4)} ms (min ${minWall.toFixed(0).padStart(4)})   cpu median ${cpu.toFixed(0).padStart(4)} ms   (n=${samples.length}, target <= ${target} ms: ${wall <= target ? "met" : "MISSED"})`,
  );
}

function generateProject(dir: string, services: number): void {
  writeFileSync(join(dir, "dev.yaml"), "name: big\nenvironments:\n  staging: {}\n");
  for (let i = 0; i < services; i++) {
    const name = `svc-${String(i).padStart(3, "0")}`;
    const sdir = join(dir, "services", name);
    mkdirSync(join(sdir, "src"), { recursive: true });
    mkdirSync(join(sdir, "config"), { recursive: true });
    writeFileSync(join(sdir, "Dockerfile"), "FROM node:24-slim\nCOPY src src\nCMD [\"node\", \"src/server.js\"]\n");
    writeFileSync(join(sdir, "src/server.js"), `// service ${i}\nrequire("node:http").createServer((q, s) => s.end("${name}")).listen(8080);\n`);
    writeFileSync(join(sdir, "config/app.json"), JSON.stringify({ name, index: i }));
    writeFileSync(join(sdir, "secret.env"), `TOKEN=token-${i}\n`);
    const deps = i > 0 ? `dependsOn: [svc-${String(i - 1).padStart(3, "0")}]\n` : "";
    writeFileSync(
      join(sdir, "service.yaml"),
      `build: {}\nports:\n  - port: 8080\n    forward: ${20000 + i}\nenv:\n  NAME: ${name}\n  GREETING: { config: greeting }\n  TOKEN: { secret: TOKEN }\nconfig:\n  values: { greeting: hello }\n  files: { app.json: config/app.json }\nsecrets:\n  envFile: secret.env\nhealth:\n  http: { path: /health }\ningress:\n  - host: ${name}.localhost\n${deps}sync:\n  - from: src\n    to: /app/src\n`,
    );
  }
}

// Figures mean little on a busy machine: say how busy it was.
const load = () => `load average ${loadavg().map((x) => x.toFixed(2)).join(" ")} on ${cpus().length} cores`;
console.log(`before: ${load()}`);
summary("dev --version (node + CLI entry)", time(node, [cli, "--version"], 30), 50);
summary("./dev --version (with the bash launcher)", time(join(root, "dev"), ["--version"], 30), 50);
summary("dev --help (loads only the command table)", time(node, [cli, "--help"], 30), 50);

const dir = mkdtempSync(join(tmpdir(), "devup-bench-"));
try {
  generateProject(dir, 200);
  summary("dev validate, 200 services (whole process)", time(node, [cli, "validate", "--cwd", dir], 10), 500);
  summary("dev render, 200 services (whole process)", time(node, [cli, "render", "--cwd", dir, "--out", join(dir, "out")], 10), 500);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`after: ${load()}`);
