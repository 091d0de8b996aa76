// Benchmark: `dev --version` cold start, and load + validate + render of a generated 200-service spec.
// Run: scripts/bench/cli (builds first). Prints figures; it does not pass or fail on them.
// Targets (issue 2): --version <= 150 ms; 200-service render <= 500 ms.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const node = join(root, ".tools/bin/node");
const cli = join(root, "packages/cli/dist/main.js");

function time(cmd: string, args: string[], runs: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { encoding: "utf8" });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stderr}`);
    out.push(ms);
  }
  return out;
}

function summary(label: string, ms: number[], target: number): void {
  const sorted = [...ms].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  console.log(
    `${label.padEnd(44)} median ${median.toFixed(0).padStart(4)} ms   min ${sorted[0]!.toFixed(0).padStart(4)}   max ${sorted[sorted.length - 1]!.toFixed(0).padStart(4)}   (n=${ms.length}, target <= ${target} ms: ${median <= target ? "met" : "MISSED"})`,
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

const versionRuns = time(node, [cli, "--version"], 30);
summary("dev --version (node + CLI entry)", versionRuns, 150);
summary("./dev --version (with the bash launcher)", time(join(root, "dev"), ["--version"], 30), 150);

const dir = mkdtempSync(join(tmpdir(), "devup-bench-"));
try {
  generateProject(dir, 200);
  summary("dev validate, 200 services (whole process)", time(node, [cli, "validate", "--cwd", dir], 10), 500);
  summary("dev render, 200 services (whole process)", time(node, [cli, "render", "--cwd", dir, "--out", join(dir, "out")], 10), 500);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
