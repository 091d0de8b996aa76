/**
 * The local registry: a registry container on this machine, published on 127.0.0.1:<port> for
 * pushes and joined to the kind network so the nodes pull from it by container name. The nodes
 * map `localhost:<port>` to it with a containerd hosts.toml (kind's local-registry recipe).
 *
 * Which container: the harness's (scripts/cluster/ensure prints REGISTRY=127.0.0.1:<port>), or
 * one named devup-registry; when there is none, one is started from `registry:2` if that image
 * is present locally (nothing is ever pulled). Without a registry, delivery uses `kind load`.
 */
import { DevupError } from "@devup/errors";
import { run } from "../exec.ts";
import { CERTS_D } from "./config.ts";
import { readRegistryConfig, writeNodeFile } from "./node.ts";
import type { LocalRegistry } from "../types.ts";

const DEFAULT_REGISTRY_NAME = "devup-registry";
const DEFAULT_REGISTRY_PORT = 5001;
const KIND_NETWORK = process.env.KIND_EXPERIMENTAL_DOCKER_NETWORK || "kind";

/** The name images get for pushing and in manifests: localhost:<port>. */
export function registryHost(registry: LocalRegistry): string {
  return `localhost:${registry.port}`;
}

/** The hosts.toml that sends pulls of localhost:<port> to the registry container. */
export function hostsToml(registry: LocalRegistry): string {
  return `[host."http://${registry.name}:${registry.containerPort}"]\n  capabilities = ["pull", "resolve"]\n`;
}

/** "127.0.0.1:5001" or "localhost:5001" → 5001. */
export function parseRegistryPort(address: string): number | undefined {
  const m = /:(\d+)$/.exec(address.trim());
  return m ? Number(m[1]) : undefined;
}

interface ContainerInfo {
  Name: string;
  State: { Running: boolean };
  NetworkSettings: { Ports: Record<string, Array<{ HostIp: string; HostPort: string }> | null> | null };
  HostConfig: { PortBindings: Record<string, Array<{ HostIp: string; HostPort: string }> | null> | null };
}

async function inspectContainer(nameOrId: string): Promise<ContainerInfo | undefined> {
  try {
    const { stdout } = await run("docker", ["container", "inspect", nameOrId], { what: `inspect the container ${nameOrId}`, timeoutMs: 30_000 });
    return (JSON.parse(stdout) as ContainerInfo[])[0];
  } catch {
    return undefined;
  }
}

/** The registry in a container's port bindings: the binding for `port` (or the first one). */
export function registryFromContainer(info: ContainerInfo, port?: number): LocalRegistry | undefined {
  const bindings = info.HostConfig.PortBindings ?? info.NetworkSettings.Ports ?? {};
  for (const [containerPort, hosts] of Object.entries(bindings)) {
    for (const h of hosts ?? []) {
      const hostPort = Number(h.HostPort);
      if (port === undefined || hostPort === port) {
        return { name: info.Name.replace(/^\//, ""), port: hostPort, containerPort: Number.parseInt(containerPort, 10) };
      }
    }
  }
  return undefined;
}

export interface FindRegistryOptions {
  /** Container name (default devup-registry). */
  name?: string | undefined;
  /** Host port, e.g. from REGISTRY=127.0.0.1:5001; a container publishing it is found by port. */
  port?: number | undefined;
}

/** A running registry container by name, else by published port; undefined when none runs. */
export async function findLocalRegistry(options: FindRegistryOptions = {}): Promise<LocalRegistry | undefined> {
  const byName = await inspectContainer(options.name ?? DEFAULT_REGISTRY_NAME);
  if (byName?.State.Running) {
    const r = registryFromContainer(byName, options.port);
    if (r) return r;
  }
  if (options.port === undefined) return undefined;
  const { stdout } = await run("docker", ["ps", "--quiet", "--filter", `publish=${options.port}`], { what: "list containers", timeoutMs: 30_000 });
  for (const id of stdout.split("\n").filter(Boolean)) {
    const info = await inspectContainer(id);
    const r = info && registryFromContainer(info, options.port);
    if (r) return r;
  }
  return undefined;
}

export interface EnsureRegistryOptions extends FindRegistryOptions {
  /** Image to start a registry from, used only if already present locally (default registry:2). */
  image?: string | undefined;
}

/**
 * A running local registry: found (and started if stopped), else started from `image` if that
 * image is present locally. Undefined when there is none and none can be started offline.
 */
export async function ensureLocalRegistry(options: EnsureRegistryOptions = {}): Promise<LocalRegistry | undefined> {
  const name = options.name ?? DEFAULT_REGISTRY_NAME;
  const found = await findLocalRegistry(options);
  if (found) return found;
  const stopped = await inspectContainer(name);
  if (stopped) {
    await run("docker", ["start", name], { what: `start the registry container ${name}`, kind: "cluster", timeoutMs: 60_000 });
    return findLocalRegistry({ name });
  }
  const image = options.image ?? "registry:2";
  const present = await run("docker", ["image", "inspect", image], { what: `inspect ${image}`, timeoutMs: 30_000 }).then(
    () => true,
    () => false,
  );
  if (!present) return undefined;
  const port = options.port ?? DEFAULT_REGISTRY_PORT;
  await run("docker", ["run", "--detach", "--restart=always", "--name", name, "--publish", `127.0.0.1:${port}:5000`, image], {
    what: `start a local registry (${image}) on 127.0.0.1:${port}`,
    kind: "cluster",
    hint: `Is port ${port} free? \`docker ps --filter publish=${port}\` shows who has it.`,
    timeoutMs: 60_000,
  });
  return { name, port, containerPort: 5000 };
}

export type RegistryWiring = { ok: true; changed: boolean } | { ok: false; reason: string };

/**
 * Make the cluster's nodes pull localhost:<port> from the registry: join the registry to the kind
 * network, write each node's hosts.toml where it differs, and publish the local-registry-hosting
 * ConfigMap (KEP-1755) when anything changed. Returns ok: false, with the reason, when the nodes'
 * containerd does not read hosts.toml files (a stock node image in a cluster created without the registry).
 */
export async function wireRegistry(nodes: readonly string[], registry: LocalRegistry): Promise<RegistryWiring> {
  const path = `${CERTS_D}/${registryHost(registry)}/hosts.toml`;
  const want = hostsToml(registry);
  const [, configs] = await Promise.all([connectToKindNetwork(registry.name), Promise.all(nodes.map((n) => readRegistryConfig(n, path)))]);
  const blind = nodes.filter((_, i) => !configs[i]!.usesCertsD);
  if (blind.length > 0) {
    return { ok: false, reason: `containerd on ${blind.join(", ")} does not read ${CERTS_D} (the cluster was created without a registry)` };
  }
  const stale = nodes.filter((_, i) => configs[i]!.current.trim() !== want.trim());
  await Promise.all(stale.map((n) => writeNodeFile(n, path, want)));
  const controlPlane = nodes.find((n) => n.endsWith("-control-plane"));
  if (stale.length > 0 && controlPlane) await publishRegistryHosting(controlPlane, registry);
  return { ok: true, changed: stale.length > 0 };
}

/** The ConfigMap that tells tools in the cluster where the local registry is (KEP-1755). */
export function registryHostingConfigMap(registry: LocalRegistry): string {
  const host = registryHost(registry);
  return [
    "apiVersion: v1",
    "kind: ConfigMap",
    "metadata:",
    "  name: local-registry-hosting",
    "  namespace: kube-public",
    "data:",
    "  localRegistryHosting.v1: |",
    `    host: "${host}"`,
    `    hostFromClusterNetwork: "${registry.name}:${registry.containerPort}"`,
    `    help: "docker push ${host}/NAME:TAG, then use image ${host}/NAME:TAG"`,
    "",
  ].join("\n");
}

async function publishRegistryHosting(controlPlane: string, registry: LocalRegistry): Promise<void> {
  await run("docker", ["exec", "-i", controlPlane, "kubectl", "--kubeconfig=/etc/kubernetes/admin.conf", "apply", "-f", "-"], {
    what: "publish the local-registry-hosting ConfigMap",
    kind: "cluster",
    input: registryHostingConfigMap(registry),
    timeoutMs: 60_000,
  });
}

async function connectToKindNetwork(container: string): Promise<void> {
  try {
    await run("docker", ["network", "connect", KIND_NETWORK, container], { what: `connect ${container} to the ${KIND_NETWORK} network`, kind: "cluster", timeoutMs: 30_000 });
  } catch (error) {
    const text = error instanceof DevupError ? error.details.join("\n") : String(error);
    if (!/already exists|already attached|endpoint with name .* already exists/i.test(text)) throw error;
  }
}
