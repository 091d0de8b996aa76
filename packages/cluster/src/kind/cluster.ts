/**
 * The kind provider: status, create, reuse, delete, kubeconfig — all through the kind CLI.
 * State is read back from kind and Docker each time, never kept in a file of our own.
 */
import { DevupError } from "@devup/errors";
import { run } from "../exec.ts";
import { kindConfigYaml } from "./config.ts";
import { apiServerReady, containersRunning } from "./node.ts";
import { wireRegistry } from "./registry.ts";
import type { ClusterTarget, LocalRegistry } from "../types.ts";

/** A kind cluster devup manages. */
export interface KindCluster extends ClusterTarget {
  provider: "kind";
  name: string;
  /** The kubeconfig context kind writes: kind-<name>. */
  context: string;
  /** Path of the kind binary (or "kind" from PATH). */
  kind: string;
  /** The local registry wired into the nodes, when there is one. */
  registry: LocalRegistry | undefined;
}

export interface KindCliOptions {
  /** Path of the kind binary; default `kind` from PATH. */
  kind?: string | undefined;
}

export interface KindClusterStatus {
  name: string;
  exists: boolean;
  /** Node container names. */
  nodes: string[];
  /** Every container of the cluster: the nodes and kind's load balancer when there is one. */
  containers: string[];
  /** Every node container runs. */
  running: boolean;
  /** The API server answers /readyz. */
  apiReady: boolean;
}

export interface CreateKindClusterOptions extends KindCliOptions {
  name: string;
  /** Default: $DEVUP_KIND_NODE_IMAGE, else kind's own default image. */
  nodeImage?: string | undefined;
  /** Control-plane nodes (default 1); above 1 kind runs a load balancer (scripts/cluster/lb-image) in front of them. */
  controlPlanes?: number | undefined;
  workers?: number | undefined;
  /** Host port on 127.0.0.1 mapped to node port 80 (ingress). */
  httpPort?: number | undefined;
  /** A local registry to wire into the nodes (certs.d hosts.toml + kind network). */
  registry?: LocalRegistry | undefined;
  /**
   * Skip kind's default CNI. Default: $DEVUP_KIND_DISABLE_DEFAULT_CNI, else decided by the node image
   * (see nodeImageCni): devup's offline image skips it on one node and uses it (flannel) on several.
   */
  disableDefaultCNI?: boolean | undefined;
  /** How long kind waits for the control plane (default 3 minutes). */
  waitMs?: number | undefined;
  /** Write the kubeconfig here instead of kind's default ($KUBECONFIG or ~/.kube/config). */
  kubeconfig?: string | undefined;
  onLine?: ((line: string) => void) | undefined;
  signal?: AbortSignal | undefined;
}

export interface EnsureKindClusterOptions extends CreateKindClusterOptions {
  /** Delete an existing cluster of this name first. */
  recreate?: boolean | undefined;
}

export interface EnsuredKindCluster {
  cluster: KindCluster;
  action: "reused" | "restarted" | "created" | "recreated";
  /** Why the given registry is not used (the cluster was created without it); recreate to use it. */
  registryIssue?: string;
}

const kindBin = (o: KindCliOptions): string => o.kind ?? "kind";

export function kindCluster(name: string, options: KindCliOptions & { registry?: LocalRegistry | undefined } = {}): KindCluster {
  return { provider: "kind", name, context: `kind-${name}`, kind: kindBin(options), registry: options.registry };
}

async function kindClusterNames(options: KindCliOptions = {}): Promise<string[]> {
  const { stdout } = await run(kindBin(options), ["get", "clusters"], { what: "list kind clusters", kind: "cluster", timeoutMs: 60_000 });
  return lines(stdout);
}

/** The cluster's containers: its nodes and, with several control planes, kind's API load balancer. */
async function kindContainers(name: string, options: KindCliOptions = {}): Promise<string[]> {
  const { stdout } = await run(kindBin(options), ["get", "nodes", "--name", name], { what: `list the nodes of the kind cluster ${name}`, kind: "cluster", timeoutMs: 60_000 });
  return lines(stdout).filter((l) => !l.startsWith("No kind nodes"));
}

/** The Kubernetes nodes' containers (no kubelet, containerd or images in the load balancer). */
export async function kindNodes(name: string, options: KindCliOptions = {}): Promise<string[]> {
  return withoutLoadBalancer(await kindContainers(name, options));
}

/** kind names control-plane nodes <cluster>-control-plane[N] and workers <cluster>-worker[N]. */
export function kindNodeRoles(nodes: readonly string[]): Record<string, "control-plane" | "worker"> {
  return Object.fromEntries(nodes.map((n) => [n, /-control-plane\d*$/.test(n) ? "control-plane" : "worker"]));
}

/** kind names the load balancer of a cluster with several control planes <name>-external-load-balancer. */
export function withoutLoadBalancer(containers: readonly string[]): string[] {
  return containers.filter((c) => !c.endsWith("-external-load-balancer"));
}

export async function kindClusterStatus(name: string, options: KindCliOptions = {}): Promise<KindClusterStatus> {
  if (!(await kindClusterNames(options)).includes(name)) return { name, exists: false, nodes: [], containers: [], running: false, apiReady: false };
  const containers = await kindContainers(name, options);
  const nodes = withoutLoadBalancer(containers);
  // The load balancer counts: the kubeconfig (and kubectl on the nodes) reach the API through it.
  const running = nodes.length > 0 && (await containersRunning(containers)).every(Boolean);
  const controlPlane = nodes.find((n) => n === `${name}-control-plane`) ?? nodes.find((n) => n.includes("control-plane"));
  const apiReady = running && controlPlane !== undefined && (await apiServerReady(controlPlane));
  return { name, exists: true, nodes, containers, running, apiReady };
}

export async function createKindCluster(options: CreateKindClusterOptions): Promise<KindCluster> {
  const { name } = options;
  const nodeImage = options.nodeImage ?? (process.env.DEVUP_KIND_NODE_IMAGE || undefined);
  const workers = options.workers ?? 0;
  const controlPlanes = options.controlPlanes ?? 1;
  const moreNodes = controlPlanes - 1 + workers;
  const disableDefaultCNI = options.disableDefaultCNI ?? envFlag(process.env.DEVUP_KIND_DISABLE_DEFAULT_CNI) ?? cniChoice(nodeImage, nodeImage ? await nodeImageCni(nodeImage) : "default", moreNodes);
  const config = kindConfigYaml({
    controlPlanes,
    workers: options.workers,
    httpPort: options.httpPort,
    registryConfigPath: options.registry !== undefined,
    disableDefaultCNI,
  });
  const waitMs = options.waitMs ?? 180_000;
  const args = ["create", "cluster", "--name", name, "--config", "-", "--wait", `${Math.ceil(waitMs / 1000)}s`];
  if (nodeImage) args.push("--image", nodeImage);
  if (options.kubeconfig) args.push("--kubeconfig", options.kubeconfig);
  await run(kindBin(options), args, {
    what: `create the kind cluster ${name}`,
    kind: "cluster",
    input: config,
    hint: `Look at the output above; \`${kindBin(options)} export logs --name ${name}\` collects the node logs if the cluster is still there. Is Docker running, and is port ${options.httpPort ?? "(none)"} free?`,
    timeoutMs: waitMs + 5 * 60_000,
    ...(options.onLine ? { onLine: options.onLine } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (options.registry) {
    const wiring = await wireRegistry(await kindNodes(name, options), options.registry);
    if (!wiring.ok) throw new DevupError("cluster", `could not wire the local registry into the kind cluster ${name}`, { details: [wiring.reason] });
  }
  // kind waits for the first control plane only; the others are Ready once their pod network is (flannel).
  if (moreNodes > 0) await waitForNodesReady(name, waitMs);
  // kind lets pods onto the control plane of a one-node cluster only; with several control planes
  // and no workers nothing could be scheduled, so do what kind does for one node.
  if (controlPlanes > 1 && workers === 0) await untaintControlPlanes(name);
  return kindCluster(name, options);
}

/** Reuse a healthy cluster, restart a stopped one, create a missing one; `recreate` deletes first. */
export async function ensureKindCluster(options: EnsureKindClusterOptions): Promise<EnsuredKindCluster> {
  const { name } = options;
  const status = await kindClusterStatus(name, options);
  if (status.exists && options.recreate) {
    await deleteKindCluster(name, options);
    return { cluster: await createKindCluster(options), action: "recreated" };
  }
  if (!status.exists) return { cluster: await createKindCluster(options), action: "created" };

  let action: EnsuredKindCluster["action"] = "reused";
  if (!status.apiReady) {
    if (!status.running) {
      await run("docker", ["start", ...status.containers], { what: `start the nodes of the kind cluster ${name}`, kind: "cluster", timeoutMs: 120_000 });
      action = "restarted";
    }
    if (!(await waitForApi(name, options.waitMs ?? 180_000, options))) {
      throw new DevupError("cluster", `the kind cluster ${name} exists but its API server does not answer`, {
        hint: `Recreate it (\`dev up --recreate-cluster\`, or \`${kindBin(options)} delete cluster --name ${name}\`), or look at \`docker logs ${name}-control-plane\`.`,
        details: [`nodes: ${status.nodes.join(", ") || "(none)"}`],
      });
    }
  }
  // A cluster created without the registry cannot use it; delivery then falls back to `kind load`.
  let registry: LocalRegistry | undefined;
  let registryIssue: string | undefined;
  if (options.registry) {
    const wiring = await wireRegistry(status.nodes, options.registry);
    if (wiring.ok) registry = options.registry;
    else registryIssue = wiring.reason;
  }
  return { cluster: kindCluster(name, { ...options, registry }), action, ...(registryIssue ? { registryIssue } : {}) };
}

async function waitForApi(name: string, timeoutMs: number, options: KindCliOptions): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await kindClusterStatus(name, options)).apiReady) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 2000));
  }
}

export async function deleteKindCluster(name: string, options: KindCliOptions = {}): Promise<void> {
  await run(kindBin(options), ["delete", "cluster", "--name", name], { what: `delete the kind cluster ${name}`, kind: "cluster", timeoutMs: 5 * 60_000 });
}

/** The cluster's kubeconfig (YAML); `internal` gives the address reachable from the kind network. */
export async function kindKubeconfig(name: string, options: KindCliOptions & { internal?: boolean } = {}): Promise<string> {
  const args = ["get", "kubeconfig", "--name", name];
  if (options.internal) args.push("--internal");
  return (await run(kindBin(options), args, { what: `read the kubeconfig of the kind cluster ${name}`, kind: "cluster", timeoutMs: 60_000 })).stdout;
}

/**
 * What pod network a node image brings, read from its labels:
 * - "default": a stock image; kind installs its own CNI (kindnetd);
 * - "own": its own CNI config, one node only (an explicit `devup.dev/cni` label, or an older devup
 *   offline image: devup.recipe = "kind-node …", static ptp config for the first node's range);
 * - "own+default-multinode": devup's offline image with `devup.dev/multinode-cni`: the first
 *   control-plane node has a static config (nothing to wait for on one node), and kind's default
 *   CNI manifest in the image (flannel, scripts/cluster/node/flannel.yaml) routes between nodes.
 */
export type NodeImageCni = "default" | "own" | "own+default-multinode";

async function nodeImageCni(image: string): Promise<NodeImageCni> {
  try {
    const { stdout } = await run("docker", ["image", "inspect", "--format", "{{json .Config.Labels}}", image], { what: `inspect ${image}`, timeoutMs: 30_000 });
    return cniOfLabels((JSON.parse(stdout) ?? {}) as Record<string, string>);
  } catch {
    return "default"; // not local: kind will pull it, and it is a stock image
  }
}

export function cniOfLabels(labels: Record<string, string>): NodeImageCni {
  if (labels["devup.dev/multinode-cni"]) return "own+default-multinode";
  if (labels["devup.dev/cni"]) return labels["devup.dev/cni"] === "default" ? "default" : "own";
  return labels["devup.recipe"]?.startsWith("kind-node ") ? "own" : "default";
}

/**
 * Whether kind must skip its default CNI, given the nodes besides the first control plane (extra
 * control planes + workers); an image that cannot route between nodes is refused for several.
 */
export function cniChoice(image: string | undefined, cni: NodeImageCni, moreNodes: number): boolean {
  if (cni === "default") return false;
  if (cni === "own+default-multinode") return moreNodes === 0;
  if (moreNodes > 0) {
    throw new DevupError("cluster", `the node image ${image ?? "(default)"} has a pod network for one node only: ${moreNodes + 1} nodes could not reach each other's pods`, {
      hint: "Rebuild the offline harness (scripts/cluster/ensure builds a node image with flannel for multi-node clusters), or set cluster.workers: 0 and cluster.controlPlanes: 1.",
    });
  }
  return true;
}

async function waitForNodesReady(name: string, timeoutMs: number): Promise<void> {
  const controlPlane = `${name}-control-plane`;
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  await run("docker", ["exec", controlPlane, "kubectl", "--kubeconfig=/etc/kubernetes/admin.conf", "wait", "--for=condition=Ready", "nodes", "--all", `--timeout=${seconds}s`], {
    what: `wait for the nodes of the kind cluster ${name} to be Ready`,
    kind: "cluster",
    hint: `A worker's pod network comes from the devup-flannel DaemonSet: \`kubectl --context kind-${name} -n kube-system logs ds/devup-flannel\`.`,
    timeoutMs: timeoutMs + 30_000,
  });
}

async function untaintControlPlanes(name: string): Promise<void> {
  await run("docker", ["exec", `${name}-control-plane`, "kubectl", "--kubeconfig=/etc/kubernetes/admin.conf", "taint", "nodes", "--all", "node-role.kubernetes.io/control-plane-"], {
    what: `let pods onto the control-plane nodes of the kind cluster ${name}`,
    kind: "cluster",
    timeoutMs: 60_000,
  });
}

export function envFlag(value: string | undefined): boolean | undefined {
  if (value === undefined || value === "") return undefined;
  return /^(1|true|yes|on)$/i.test(value.trim());
}

function lines(s: string): string[] {
  return s.split("\n").map((l) => l.trim()).filter(Boolean);
}
