/**
 * Commands inside kind node containers (`docker exec`): list the images containerd has,
 * pull one from a registry, read and write small files, ask the API server whether it is ready.
 */
import { normalizeImageRef } from "./refs.ts";
import { run } from "./exec.ts";

const DOCKER = "docker";

/** The image references containerd has in the k8s.io namespace of `node` (normalized). */
export async function nodeImages(node: string): Promise<Set<string>> {
  const { stdout } = await run(DOCKER, ["exec", node, "ctr", "--namespace=k8s.io", "images", "list", "--quiet"], {
    what: `list the images on the kind node ${node}`,
    kind: "cluster",
    timeoutMs: 60_000,
  });
  return parseImageList(stdout);
}

/** `ctr images list --quiet` output → normalized references (digest-only entries dropped). */
export function parseImageList(stdout: string): Set<string> {
  const refs = new Set<string>();
  for (const line of stdout.split("\n")) {
    const ref = line.trim();
    if (!ref || ref.startsWith("sha256:") || /^import-\d{4}-\d{2}-\d{2}@/.test(ref)) continue;
    refs.add(normalizeImageRef(ref));
  }
  return refs;
}

/** Pull `ref` into the node's containerd (k8s.io namespace), resolving registries through certs.d. */
export async function pullOnNode(node: string, ref: string, hostsDir: string, onLine?: (line: string) => void): Promise<void> {
  await run(DOCKER, ["exec", node, "ctr", "--namespace=k8s.io", "images", "pull", "--hosts-dir", hostsDir, ref], {
    what: `pull ${ref} on the kind node ${node}`,
    kind: "cluster",
    hint: "Check that the local registry container runs and is on the kind network (docker network inspect kind).",
    timeoutMs: 10 * 60_000,
    ...(onLine ? { onLine } : {}),
  });
}

/** The file's content, or undefined when it does not exist. */
export async function readNodeFile(node: string, path: string): Promise<string | undefined> {
  try {
    return (await run(DOCKER, ["exec", node, "cat", path], { what: `read ${path} on ${node}`, timeoutMs: 30_000 })).stdout;
  } catch {
    return undefined;
  }
}

export async function writeNodeFile(node: string, path: string, content: string): Promise<void> {
  const dir = path.slice(0, path.lastIndexOf("/")) || "/";
  await run(DOCKER, ["exec", node, "mkdir", "-p", dir], { what: `create ${dir} on ${node}`, kind: "cluster", timeoutMs: 30_000 });
  await run(DOCKER, ["exec", "-i", node, "cp", "/dev/stdin", path], { what: `write ${path} on ${node}`, kind: "cluster", input: content, timeoutMs: 30_000 });
}

/** Whether containerd on the node reads per-registry hosts.toml files (config_path is set). */
export async function nodeUsesCertsD(node: string): Promise<boolean> {
  try {
    const { stdout } = await run(DOCKER, ["exec", node, "containerd", "config", "dump"], { what: `read the containerd config on ${node}`, timeoutMs: 30_000 });
    return /^\s*config_path\s*=\s*"[^"]+"/m.test(stdout);
  } catch {
    return false;
  }
}

/** Whether the API server answers /readyz, asked from inside the control-plane node. */
export async function apiServerReady(controlPlane: string): Promise<boolean> {
  try {
    await run(DOCKER, ["exec", controlPlane, "kubectl", "--kubeconfig=/etc/kubernetes/admin.conf", "get", "--raw=/readyz"], {
      what: "ask the API server whether it is ready",
      timeoutMs: 15_000,
    });
    return true;
  } catch {
    return false;
  }
}

/** Whether each container runs (false for missing ones). */
export async function containersRunning(names: readonly string[]): Promise<boolean[]> {
  if (names.length === 0) return [];
  try {
    const { stdout } = await run(DOCKER, ["inspect", "--format", "{{.Name}} {{.State.Running}}", ...names], { what: "inspect containers", timeoutMs: 30_000 });
    const running = new Set(stdout.split("\n").filter((l) => l.endsWith(" true")).map((l) => l.split(" ")[0]!.replace(/^\//, "")));
    return names.map((n) => running.has(n));
  } catch {
    // `docker inspect` fails when any one is missing: ask one by one.
    return Promise.all(names.map(async (n) => (await containersRunning([n]).catch(() => [false]))[0] ?? false));
  }
}
