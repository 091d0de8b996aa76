/**
 * Getting this machine ready for a kind cluster. On a laptop with a running Docker engine, nothing:
 * kind uses its published node image. Where devup has to set up Docker itself, or the machine has
 * been set up offline before (devup's node image is present), the offline harness
 * (scripts/cluster/ensure, shipped in the package or found in the checkout: harness.ts) starts Docker and builds what kind needs, without a registry.
 * DEVUP_OFFLINE=1 forces the harness, DEVUP_OFFLINE=0 skips it.
 */
import { existsSync } from "node:fs";
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { parseHarnessOutput } from "@devup/cluster";
import { connectDocker, pingDocker } from "@devup/docker";
import { DevupError } from "@devup/errors";
import { execa } from "execa";
import type { CommandContext } from "./context.ts";
import { findHarness } from "./harness.ts";
import { devupCacheDir, ensureKind } from "./kind-fetch.ts";

export interface MachineTools {
  /** Path of the kind binary (default: kind on PATH). */
  kind?: string | undefined;
  /** The kind node image to use (default: kind's own). */
  nodeImage?: string | undefined;
  /** The local registry container the harness runs. */
  registryContainer?: string | undefined;
  /** The ingress controller image the harness built (default: the published Traefik image). */
  ingressImage?: string | undefined;
}

const OFFLINE_NODE_IMAGE = "devup.local/kind-node";

async function wantsOffline(): Promise<boolean> {
  const mode = process.env.DEVUP_OFFLINE;
  if (mode === "1") return true;
  if (mode === "0" || process.env.DEVUP_KIND_NODE_IMAGE) return false;
  const docker = connectDocker();
  try {
    await pingDocker(docker, 3000);
  } catch {
    return true; // no engine: devup sets the machine up itself, offline
  }
  const images = await docker.listImages({ filters: JSON.stringify({ reference: [OFFLINE_NODE_IMAGE] }) });
  return images.length > 0;
}

/** Runs the offline harness when this machine needs it; returns what it provides. */
export async function prepareMachine(ctx: CommandContext): Promise<MachineTools> {
  const harness = findHarness();
  if (!harness || !(await wantsOffline())) {
    // A laptop with Docker: kind's published node image; kind itself fetched when missing.
    const kind = await ensureKind({ found: await findKind(), say: (message) => ctx.out.info({ type: "machine", message }) });
    return { kind };
  }
  const cached = await fromLastRun(harness.path);
  if (cached) {
    ctx.out.info({ type: "machine", message: `offline cluster tools ready, as ${harness.path} last prepared them (it runs again when its files change or what it made is gone)` });
    return toolsOf(cached);
  }
  ctx.out.info({
    type: "machine",
    message:
      `preparing this machine for offline kind clusters (${harness.path}): the first run builds Kubernetes, etcd, CoreDNS, a kind node image and the ingress controller (Traefik) from source, about 30-45 min on 2 cores; later runs take seconds`,
  });
  const started = Date.now();
  const result = await execa(harness.path, [], { stdout: "pipe", stderr: ctx.out.format === "json" ? "pipe" : "inherit", reject: false });
  if (result.exitCode !== 0) {
    throw new DevupError("cluster", `preparing the offline cluster tools failed (${harness.path})`, {
      details: String(result.stderr ?? "").split("\n").slice(-20),
      hint: `its logs are in ${join(devupCacheDir(), "logs")}; run ${harness.path} alone to see every step`,
    });
  }
  const values = parseHarnessOutput(result.stdout);
  ctx.out.info({ type: "machine", message: `offline cluster tools ready in ${((Date.now() - started) / 1000).toFixed(1)} s (node image ${values.NODE_IMAGE ?? "?"})` });
  return toolsOf(values);
}

function toolsOf(values: Record<string, string>): MachineTools {
  return { kind: values.KIND, nodeImage: values.NODE_IMAGE, registryContainer: values.REGISTRY_CONTAINER, ingressImage: values.TRAEFIK_IMAGE || undefined };
}

/**
 * The harness's files by content (paths relative to its folder, in C-locale order, contents
 * concatenated; sha256, 16 hex digits): what scripts/cluster/ensure writes as HARNESS_HASH.
 */
export async function harnessHash(dir: string): Promise<string> {
  const files: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) files.push(`./${relative(dir, join(e.parentPath, e.name)).split(sep).join("/")}`);
  }
  files.sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  const hash = createHash("sha256");
  for (const f of files) hash.update(await readFile(join(dir, f)));
  return hash.digest("hex").slice(0, 16);
}

/**
 * What the harness printed last time (`ensure.env` in the cache), when nothing it depends on changed
 * since: the harness's files are the ones that wrote it (HARNESS_HASH), and the kind binary, the node
 * and ingress images and a running registry container it names are still there. Saves the harness's
 * ~2 s of checks on every `dev up`; anything else and the harness runs as before.
 */
export async function fromLastRun(harness: string, cacheDir: string = devupCacheDir(), stillThere: (values: Record<string, string>) => Promise<boolean> = inDocker): Promise<Record<string, string> | undefined> {
  const file = join(cacheDir, "ensure.env");
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (!text) return undefined;
  const values = parseHarnessOutput(text);
  if (!values.HARNESS_HASH || values.HARNESS_HASH !== (await harnessHash(dirname(harness)).catch(() => undefined))) return undefined;
  if (!values.KIND || !existsSync(values.KIND) || !values.NODE_IMAGE || !values.REGISTRY_CONTAINER) return undefined;
  return (await stillThere(values)) ? values : undefined;
}

/** The node and ingress images exist and the registry container runs. */
async function inDocker(values: Record<string, string>): Promise<boolean> {
  const docker = connectDocker();
  const there = await Promise.all([
    ...[values.NODE_IMAGE, values.TRAEFIK_IMAGE].filter((i): i is string => Boolean(i)).map((i) => docker.getImage(i).inspect().then(() => true, () => false)),
    docker.getContainer(values.REGISTRY_CONTAINER!).inspect().then((c) => c.State.Running, () => false),
  ]);
  return there.every(Boolean);
}

/** The kind binary: DEVUP_KIND, `kind` on PATH, or the one the offline harness built. */
export async function findKind(): Promise<string | undefined> {
  if (process.env.DEVUP_KIND) return process.env.DEVUP_KIND;
  const onPath = await execa("kind", ["version"], { reject: false });
  if (onPath.exitCode === 0) return "kind";
  const cache = devupCacheDir();
  const dirs = (await readdir(`${cache}/bin`).catch(() => [] as string[])).filter((d) => d.startsWith("kind-")).sort();
  const newest = dirs[dirs.length - 1];
  return newest && existsSync(`${cache}/bin/${newest}/kind`) ? `${cache}/bin/${newest}/kind` : undefined;
}
