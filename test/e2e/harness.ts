/**
 * The e2e harness: a real Docker engine and one real kind cluster per test run, both brought up
 * offline by scripts/cluster/ensure. Test files share the cluster (they run one at a time).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseHarnessOutput } from "@devup/cluster";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const E2E_CLUSTER = process.env.DEVUP_E2E_CLUSTER ?? "devup-e2e";

export interface OfflineTools {
  /** Path of the kind binary. */
  kind: string;
  /** The kind node image built offline. */
  nodeImage: string;
  /** host:port of the local registry on 127.0.0.1, if the harness started one. */
  registry?: string;
  /** Every KEY=VALUE line scripts/cluster/ensure printed. */
  all: Record<string, string>;
}

let tools: OfflineTools | undefined;

/** Runs scripts/cluster/ensure once per process (idempotent; seconds when warm). */
export function offlineTools(): OfflineTools {
  if (tools) return tools;
  const stdout = execFileSync(join(repoRoot, "scripts/cluster/ensure"), [], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 16 * 1024 * 1024 });
  const all = parseHarnessOutput(stdout);
  if (!all.KIND || !all.NODE_IMAGE) throw new Error(`scripts/cluster/ensure did not print KIND= and NODE_IMAGE=; it printed:\n${stdout}`);
  tools = { kind: all.KIND, nodeImage: all.NODE_IMAGE, registry: all.REGISTRY, all };
  return tools;
}

export interface E2ECluster {
  name: string;
  /** A kubeconfig file for this cluster only. */
  kubeconfig: string;
  context: string;
}

function clusterExists(kind: string, name: string): boolean {
  return execFileSync(kind, ["get", "clusters"], { encoding: "utf8" }).split("\n").includes(name);
}

let dnsReady = false;

/** The shared e2e cluster, created with the offline node image when missing, with CoreDNS available. */
export function e2eCluster(): E2ECluster {
  const { kind, nodeImage } = offlineTools();
  if (!clusterExists(kind, E2E_CLUSTER)) {
    execFileSync(kind, ["create", "cluster", "--name", E2E_CLUSTER, "--image", nodeImage, "--config", join(repoRoot, "scripts/cluster/kind-config.yaml"), "--wait", "3m"], {
      stdio: ["ignore", "inherit", "inherit"],
    });
  }
  const dir = mkdtempSync(join(tmpdir(), "devup-e2e-kubeconfig-"));
  const kubeconfig = join(dir, "config");
  writeFileSync(kubeconfig, execFileSync(kind, ["get", "kubeconfig", "--name", E2E_CLUSTER], { encoding: "utf8" }));
  if (!dnsReady) {
    // A fresh cluster's nodes are Ready before CoreDNS is: pods resolving Service names right away
    // (an imported web querying its db by name) would fail for the first seconds.
    const kubectl = offlineTools().all.KUBECTL ?? "kubectl";
    execFileSync(kubectl, ["--kubeconfig", kubeconfig, "-n", "kube-system", "rollout", "status", "deployment/coredns", "--timeout=180s"], { stdio: "ignore" });
    dnsReady = true;
  }
  return { name: E2E_CLUSTER, kubeconfig, context: `kind-${E2E_CLUSTER}` };
}

export function deleteE2ECluster(): void {
  if (process.env.DEVUP_KEEP_CLUSTER) return;
  const { kind } = offlineTools();
  if (clusterExists(kind, E2E_CLUSTER)) execFileSync(kind, ["delete", "cluster", "--name", E2E_CLUSTER], { stdio: "inherit" });
}
