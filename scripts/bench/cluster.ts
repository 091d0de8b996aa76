// Benchmark: how long a kind cluster on the offline node image takes to create with 1, 2 and 3
// nodes (control plane + workers; from `kind create` until every node is Ready), and how long an
// image takes to reach every node of a 3-node cluster against a 1-node one, both ways (registry
// fast path: each node pulls; `kind load docker-image`: the image is copied into each node).
// Run: scripts/bench/cluster [--nodes 1,2,3]. Prints figures and the machine's load; it does not
// pass or fail on them.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createKindCluster, deleteKindCluster, deliverImages, findLocalRegistry, parseRegistryPort, type DeliveryResult, type KindCluster } from "../../packages/cluster/dist/index.js";
import { connectDocker, ensureImages, hashBuildInputs, localImageRef, pingDocker, type BuildInputs } from "../../packages/docker/dist/index.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const args = process.argv.slice(2);
const nodesArg = args.indexOf("--nodes");
const nodeCounts = (nodesArg >= 0 ? args[nodesArg + 1]! : "1,2,3").split(",").map(Number);
const prefix = process.env.DEVUP_BENCH_CLUSTER ?? "devup-bench-cluster";
const project = `bench-${process.pid}`;
const DATA_MB = 50;

const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);
const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const load = (): string => `load average: ${loadavg().map((l) => l.toFixed(2)).join(", ")} (${cpus().length} cores)`;

function offlineTools(): Record<string, string> {
  const out = execFileSync(join(root, "scripts/cluster/ensure"), [], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const kv: Record<string, string> = {};
  for (const line of out.split("\n")) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) kv[m[1]!] = m[2]!;
  }
  return kv;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

async function writeRandom(path: string, mb: number): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < mb; i++) {
    if (!out.write(randomBytes(1 << 20))) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

function check(results: DeliveryResult[]): void {
  for (const r of results) if (r.action !== "delivered") throw new Error(`${r.image} via ${r.method}: ${r.action}${r.error ? `: ${r.error.message}` : ""}`);
}

const tools = offlineTools();
const docker = connectDocker();
await pingDocker(docker);
const registry = await findLocalRegistry({ port: parseRegistryPort(tools.REGISTRY ?? "") });
if (!registry) throw new Error(`no local registry answers (REGISTRY=${tools.REGISTRY ?? ""}); scripts/cluster/ensure starts one`);
const dir = await mkdtemp(join(tmpdir(), "devup-bench-cluster-"));
const tags: string[] = [];
const rows: string[] = [];
let current: KindCluster | undefined;

/** A fresh image: node:24-slim + a new random layer, so every delivery moves DATA_MB of new data. */
async function freshImage(n: number): Promise<string> {
  const ctx = join(dir, `img-${n}`);
  await mkdir(ctx, { recursive: true });
  await writeRandom(join(ctx, "random.bin"), DATA_MB);
  await writeFile(join(ctx, "Dockerfile"), "FROM node:24-slim\nCOPY random.bin /data/random.bin\n");
  const inputs: BuildInputs = { context: ctx, dockerfile: join(ctx, "Dockerfile"), args: {} };
  const tag = localImageRef(project, "app", await hashBuildInputs(inputs));
  tags.push(tag);
  const [r] = await ensureImages(docker, [{ service: "app", inputs, tag }]);
  if (r!.action === "failed") throw r!.error!;
  return tag;
}

try {
  log(`node image ${tools.NODE_IMAGE}; ${load()}`);
  let image = 0;
  for (const nodes of nodeCounts) {
    const name = `${prefix}-${nodes}n`;
    await deleteKindCluster(name, { kind: tools.KIND }).catch(() => undefined);
    const before = load();
    const [cluster, createMs] = await timed(() =>
      createKindCluster({ name, kind: tools.KIND, nodeImage: tools.NODE_IMAGE, workers: nodes - 1, registry, kubeconfig: join(dir, `kubeconfig-${nodes}`) }),
    );
    current = cluster;
    log(`${nodes} node(s): created in ${s(createMs)} (load before: ${before.replace(/.*load average: /, "")})`);
    let delivery = "";
    if (nodes === 1 || nodes === 3) {
      const viaRegistry = await freshImage(++image);
      const [res1, registryMs] = await timed(() => deliverImages(cluster, [viaRegistry], { docker, registry }));
      check(res1);
      tags.push(res1[0]!.ref);
      const viaLoad = await freshImage(++image);
      const [res2, loadMs] = await timed(() => deliverImages(cluster, [viaLoad], { docker, registry: null }));
      check(res2);
      delivery = `registry ${s(registryMs)}   kind load ${s(loadMs)}`;
      log(`${nodes} node(s): ${delivery}`);
    }
    rows.push(`${String(nodes).padEnd(5)}  ${s(createMs).padStart(8)}   ${delivery || "-"}`);
    await deleteKindCluster(name, { kind: tools.KIND });
    current = undefined;
  }
  console.log(`nodes  create     image delivery (node:24-slim + ${DATA_MB} MB new layer, to every node)`);
  for (const r of rows) console.log(r);
  console.log(`load after: ${load()}`);
} finally {
  if (current) await deleteKindCluster(current.name, { kind: current.kind }).catch(() => undefined);
  for (const tag of new Set(tags)) await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
}
