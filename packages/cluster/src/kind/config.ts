/**
 * The kind cluster configuration devup creates clusters with (kind.x-k8s.io/v1alpha4). Pure.
 */

export interface KindConfigOptions {
  /** Control-plane nodes (default 1); above 1 kind adds a load balancer in front of their API servers. */
  controlPlanes?: number;
  /** Worker nodes besides the control plane (default 0). */
  workers?: number;
  /** Host port on 127.0.0.1 mapped to the control-plane node's port 80 (ingress); none when undefined. */
  httpPort?: number | undefined;
  /** Let containerd read registry mirrors from /etc/containerd/certs.d (needed for the local registry). */
  registryConfigPath?: boolean;
  /** Skip kind's default CNI (kindnetd): the node image brings its own network config. */
  disableDefaultCNI?: boolean;
}

/** Where containerd on the nodes looks for per-registry hosts.toml files. */
export const CERTS_D = "/etc/containerd/certs.d";

/** The kind config YAML. Strings are written as JSON, which YAML reads as the same strings. */
export function kindConfigYaml(options: KindConfigOptions = {}): string {
  const workers = options.workers ?? 0;
  if (!Number.isInteger(workers) || workers < 0) throw new RangeError(`workers must be a whole number >= 0, got ${workers}`);
  const controlPlanes = options.controlPlanes ?? 1;
  if (!Number.isInteger(controlPlanes) || controlPlanes < 1) throw new RangeError(`controlPlanes must be a whole number >= 1, got ${controlPlanes}`);
  const lines = ["kind: Cluster", "apiVersion: kind.x-k8s.io/v1alpha4"];
  if (options.disableDefaultCNI) {
    lines.push("networking:", "  disableDefaultCNI: true");
  }
  lines.push("nodes:", "  - role: control-plane");
  if (options.httpPort !== undefined) {
    if (!Number.isInteger(options.httpPort) || options.httpPort < 1 || options.httpPort > 65535) {
      throw new RangeError(`httpPort must be a port number, got ${options.httpPort}`);
    }
    // The label lets an ingress controller pick this node (kind's ingress recipe).
    lines.push(
      "    labels:",
      '      ingress-ready: "true"',
      "    extraPortMappings:",
      "      - containerPort: 80",
      `        hostPort: ${options.httpPort}`,
      '        listenAddress: "127.0.0.1"',
      "        protocol: TCP",
    );
  }
  // The first control-plane node (kind names it <name>-control-plane) carries the ingress mapping.
  for (let i = 1; i < controlPlanes; i++) lines.push("  - role: control-plane");
  for (let i = 0; i < workers; i++) lines.push("  - role: worker");
  if (options.registryConfigPath) {
    lines.push(
      "containerdConfigPatches:",
      "  - |-",
      '    [plugins."io.containerd.grpc.v1.cri".registry]',
      `      config_path = ${JSON.stringify(CERTS_D)}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
