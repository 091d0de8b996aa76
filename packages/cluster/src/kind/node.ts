/**
 * Commands inside kind node containers (`docker exec`): list the images containerd has,
 * pull one from a registry, read and write small files, ask the API server whether it is ready.
 */
import { run } from "../exec.ts";
import { normalizeImageRef } from "../refs.ts";

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
    // ctr draws progress bars; pass on only its plain status lines.
    ...(onLine
      ? {
          onLine: (line: string) => {
            const clean = line.replace(ANSI_RE, "").trim();
            if (clean && !clean.includes("|") && !clean.startsWith("elapsed:")) onLine(clean);
          },
        }
      : {}),
  });
}

const ANSI_RE = new RegExp(String.raw`\u001b\[[0-9;?]*[A-Za-z]`, "g");

/**
 * In one `docker exec`: whether containerd on the node reads per-registry hosts.toml files
 * (config_path is set), and the current content of `hostsToml` ("" when missing).
 */
export async function readRegistryConfig(node: string, hostsToml: string): Promise<{ usesCertsD: boolean; current: string }> {
  // A constant script; the path is passed as an argument, not spliced into it.
  const script = `containerd config dump 2>/dev/null | grep -Eq '^[[:space:]]*config_path[[:space:]]*=[[:space:]]*"[^"]+"' || exit 3; cat "$1" 2>/dev/null; exit 0`;
  const { stdout, exitCode } = await run(DOCKER, ["exec", node, "sh", "-c", script, "sh", hostsToml], {
    what: `read the registry config on ${node}`,
    kind: "cluster",
    timeoutMs: 30_000,
    okExitCodes: [3],
  });
  return exitCode === 3 ? { usesCertsD: false, current: "" } : { usesCertsD: true, current: stdout };
}

export async function writeNodeFile(node: string, path: string, content: string): Promise<void> {
  const dir = path.slice(0, path.lastIndexOf("/")) || "/";
  await run(DOCKER, ["exec", node, "mkdir", "-p", dir], { what: `create ${dir} on ${node}`, kind: "cluster", timeoutMs: 30_000 });
  await run(DOCKER, ["exec", "-i", node, "cp", "/dev/stdin", path], { what: `write ${path} on ${node}`, kind: "cluster", input: content, timeoutMs: 30_000 });
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
