// Benchmark: delivering a changed image into a kind cluster — devup's fast path (push to the local
// registry, the node pulls only the new layer) against `kind load docker-image` (the whole image),
// in the same run and the same cluster.
// Run: scripts/bench/delivery [--keep] [--rounds N] (builds the packages first). Prints figures;
// it does not pass or fail on them. Target: fast path / kind load <= 0.3.
//
// The image: node:24-slim (built offline by scripts/cluster/ensure) + a ~100 MB layer of random
// data made here + a small app layer. Each round changes one line of the app, rebuilds, and
// delivers the new image both ways (alternating which goes first).
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { deleteKindCluster, deliverImages, ensureKindCluster, findLocalRegistry, parseRegistryPort, type DeliveryEvent, type DeliveryResult, type KindCluster } from "../../packages/cluster/dist/index.js";
import { connectDocker, ensureImages, hashBuildInputs, localImageRef, pingDocker, type BuildInputs } from "../../packages/docker/dist/index.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const args = process.argv.slice(2);
const keep = args.includes("--keep");
const roundsArg = args.indexOf("--rounds");
const rounds = roundsArg >= 0 ? Number(args[roundsArg + 1]) : 3;
const clusterName = process.env.DEVUP_BENCH_CLUSTER ?? "devup-bench";
const project = `bench-${process.pid}`;
const DATA_MB = 100;

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

function offlineTools(): Record<string, string> {
  const out = execFileSync(join(root, "scripts/cluster/ensure"), [], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const kv: Record<string, string> = {};
  for (const line of out.split("\n")) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) kv[m[1]!] = m[2]!;
  }
  return kv;
}

async function writeRandom(path: string, mb: number): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < mb; i++) {
    if (!out.write(randomBytes(1 << 20))) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

function check(results: DeliveryResult[], want: DeliveryResult["action"]): void {
  for (const r of results) {
    if (r.action !== want) throw new Error(`${r.image} via ${r.method}: ${r.action}, expected ${want}${r.error ? `: ${r.error.message}\n${r.error.details.join("\n")}` : ""}`);
  }
}

const verbose = process.env.DEVUP_BENCH_VERBOSE === "1";
const onEvent = (e: DeliveryEvent): void => {
  if (verbose && e.type === "deliver-line") log(`  ${e.line}`);
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

const tools = offlineTools();
const docker = connectDocker();
await pingDocker(docker);
const registry = await findLocalRegistry({ port: parseRegistryPort(tools.REGISTRY ?? "") });
if (!registry) throw new Error(`no local registry answers (REGISTRY=${tools.REGISTRY ?? ""}); scripts/cluster/ensure starts one`);

const dir = await mkdtemp(join(tmpdir(), "devup-bench-delivery-"));
const tags: string[] = [];
let cluster: KindCluster | undefined;
let createdCluster = false;
try {
  log(`cluster ${clusterName} (node image ${tools.NODE_IMAGE})`);
  const [ensured, clusterMs] = await timed(() =>
    ensureKindCluster({ name: clusterName, kind: tools.KIND, nodeImage: tools.NODE_IMAGE, registry, kubeconfig: join(dir, "kubeconfig") }),
  );
  cluster = ensured.cluster;
  createdCluster = ensured.action === "created" || ensured.action === "recreated";
  log(`cluster ${ensured.action} in ${s(clusterMs)}`);

  await mkdir(join(dir, "data"));
  await mkdir(join(dir, "app"));
  await writeRandom(join(dir, "data", "random.bin"), DATA_MB);
  await writeFile(join(dir, "Dockerfile"), 'FROM node:24-slim\nCOPY data/ /data/\nCOPY app/ /app/\nCMD ["node", "/app/server.js"]\n');
  const inputs: BuildInputs = { context: dir, dockerfile: join(dir, "Dockerfile"), args: {} };

  const build = async (n: number): Promise<{ tag: string; ms: number; action: string }> => {
    await writeFile(join(dir, "app", "server.js"), `// devup delivery bench\nconsole.log("version ${n}");\n`);
    const tag = localImageRef(project, "app", await hashBuildInputs(inputs));
    tags.push(tag);
    const [[r], ms] = await timed(() => ensureImages(docker, [{ service: "app", inputs, tag }]));
    if (r!.action === "failed") throw r!.error!;
    return { tag, ms, action: r!.action };
  };

  // The first image, delivered both ways so that the registry and the node hold the shared layers.
  const v0 = await build(0);
  const [[skip]] = await timed(() => ensureImages(docker, [{ service: "app", inputs, tag: v0.tag }]));
  const sizeMb = (await docker.getImage(v0.tag).inspect()).Size / 1e6;
  log(`built ${v0.tag} (${sizeMb.toFixed(0)} MB) in ${s(v0.ms)}; unchanged rebuild ${skip!.action} in ${skip!.durationMs} ms`);
  const [first, firstFast] = await timed(() => deliverImages(cluster!, [v0.tag], { docker, registry, onEvent }));
  check(first, "delivered");
  const v0b = await build(-1);
  const [firstLoadRes, firstLoad] = await timed(() => deliverImages(cluster!, [v0b.tag], { docker, registry: null, onEvent }));
  check(firstLoadRes, "delivered");
  tags.push(first[0]!.ref);
  log(`first delivery: registry ${s(firstFast)} (every layer new), kind load ${s(firstLoad)}`);

  // Each way gets its own freshly changed image: delivering one image both ways would let the
  // second way find the first one's content on the node (kind load then only re-tags).
  const fast: number[] = [];
  const load: number[] = [];
  const rebuild: number[] = [];
  let version = 0;
  for (let round = 1; round <= rounds; round++) {
    const viaRegistry = async (): Promise<void> => {
      const v = await build(++version);
      rebuild.push(v.ms);
      const [res, ms] = await timed(() => deliverImages(cluster!, [v.tag], { docker, registry, onEvent }));
      check(res, "delivered");
      tags.push(res[0]!.ref);
      fast.push(ms);
    };
    const viaLoad = async (): Promise<void> => {
      const v = await build(++version);
      rebuild.push(v.ms);
      const [res, ms] = await timed(() => deliverImages(cluster!, [v.tag], { docker, registry: null, onEvent }));
      check(res, "delivered");
      load.push(ms);
    };
    if (round % 2 === 1) {
      await viaRegistry();
      await viaLoad();
    } else {
      await viaLoad();
      await viaRegistry();
    }
    log(`round ${round}: registry ${s(fast.at(-1)!)}, kind load ${s(load.at(-1)!)}`);
  }

  const ratio = median(fast) / median(load);
  console.log(`image: node:24-slim + ${DATA_MB} MB random layer + app layer = ${sizeMb.toFixed(0)} MB`);
  console.log(`build (cold, new data layer)            ${s(v0.ms)}`);
  console.log(`ensureImages, inputs unchanged (skip)   ${skip!.durationMs} ms`);
  console.log(`rebuild after a one-line app change     median ${s(median(rebuild))}`);
  console.log(`first delivery: registry ${s(firstFast)} (every layer new)   kind load ${s(firstLoad)}`);
  console.log(`changed image, fast path (registry)     median ${s(median(fast))}   [${fast.map(s).join(", ")}]`);
  console.log(`changed image, kind load docker-image   median ${s(median(load))}   [${load.map(s).join(", ")}]`);
  console.log(`ratio fast/kind load                    ${ratio.toFixed(3)}   (target <= 0.3: ${ratio <= 0.3 ? "met" : "MISSED"})`);
} finally {
  await cleanup();
}

async function cleanup(): Promise<void> {
  for (const tag of new Set(tags)) await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
  if (registry) {
    for (const ref of tags.filter((t) => t.startsWith("localhost:"))) {
      const m = /^[^/]+\/(.+):([^:]+)$/.exec(ref);
      if (!m) continue;
      const base = `http://127.0.0.1:${registry.port}/v2/${m[1]}/manifests`;
      const head = await fetch(`${base}/${m[2]}`, { method: "HEAD", headers: { Accept: "application/vnd.docker.distribution.manifest.v2+json" } }).catch(() => undefined);
      const digest = head?.headers.get("docker-content-digest");
      if (digest) await fetch(`${base}/${digest}`, { method: "DELETE" }).catch(() => undefined);
    }
  }
  if (cluster && createdCluster && !keep) {
    log(`deleting cluster ${clusterName} (--keep keeps it)`);
    await deleteKindCluster(clusterName, { kind: cluster.kind });
  } else if (cluster) {
    const node = `${clusterName}-control-plane`;
    for (const tag of new Set(tags)) {
      try {
        execFileSync("docker", ["exec", node, "ctr", "--namespace=k8s.io", "images", "rm", tag], { stdio: "ignore" });
      } catch {
        // not on the node
      }
    }
  }
  await rm(dir, { recursive: true, force: true });
}
