/**
 * Getting this machine ready for a kind cluster. On a laptop with a running Docker engine, nothing:
 * kind uses its published node image. Where devup has to set up Docker itself, or the machine has
 * been set up offline before (devup's node image is present), the offline harness from this
 * checkout (scripts/cluster/ensure) starts Docker and builds what kind needs, without a registry.
 * DEVUP_OFFLINE=1 forces the harness, DEVUP_OFFLINE=0 skips it.
 */
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { homedir } from "node:os";
import { fileURLToPath } from "node:url";
import { parseHarnessOutput } from "@devup/cluster";
import { connectDocker, pingDocker } from "@devup/docker";
import { DevupError } from "@devup/errors";
import { execa } from "execa";
import type { CommandContext } from "./context.ts";

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

const HARNESS = fileURLToPath(new URL("../../../scripts/cluster/ensure", import.meta.url));
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
  if (!existsSync(HARNESS) || !(await wantsOffline())) return {};
  ctx.out.info({
    type: "machine",
    message:
      "preparing this machine for offline kind clusters (scripts/cluster/ensure): the first run builds Kubernetes, etcd, CoreDNS, a kind node image and the ingress controller (Traefik) from source, about 30-45 min on 2 cores; later runs take seconds",
  });
  const started = Date.now();
  const result = await execa(HARNESS, [], { stdout: "pipe", stderr: ctx.out.format === "json" ? "pipe" : "inherit", reject: false });
  if (result.exitCode !== 0) {
    throw new DevupError("cluster", "preparing the offline cluster tools failed (scripts/cluster/ensure)", {
      details: String(result.stderr ?? "").split("\n").slice(-20),
      hint: "its logs are in ~/.cache/devup/logs; run scripts/cluster/ensure alone to see every step",
    });
  }
  const values = parseHarnessOutput(result.stdout);
  ctx.out.info({ type: "machine", message: `offline cluster tools ready in ${((Date.now() - started) / 1000).toFixed(1)} s (node image ${values.NODE_IMAGE ?? "?"})` });
  return { kind: values.KIND, nodeImage: values.NODE_IMAGE, registryContainer: values.REGISTRY_CONTAINER, ingressImage: values.TRAEFIK_IMAGE || undefined };
}

/** The kind binary: DEVUP_KIND, `kind` on PATH, or the one the offline harness built. */
export async function findKind(): Promise<string | undefined> {
  if (process.env.DEVUP_KIND) return process.env.DEVUP_KIND;
  const onPath = await execa("kind", ["version"], { reject: false });
  if (onPath.exitCode === 0) return "kind";
  const cache = process.env.DEVUP_CACHE_DIR ?? `${process.env.XDG_CACHE_HOME ?? `${homedir()}/.cache`}/devup`;
  const dirs = (await readdir(`${cache}/bin`).catch(() => [] as string[])).filter((d) => d.startsWith("kind-")).sort();
  const newest = dirs[dirs.length - 1];
  return newest && existsSync(`${cache}/bin/${newest}/kind`) ? `${cache}/bin/${newest}/kind` : undefined;
}
