/**
 * The kind provider against real kind: status of the shared cluster, and the whole life of a
 * cluster of our own made from the generated config (offline node image, CNI detected from the
 * image, port mapping on 127.0.0.1, local registry wired): create, reuse, restart, delete.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deleteKindCluster, ensureKindCluster, findLocalRegistry, kindClusterStatus, kindKubeconfig, parseRegistryPort } from "@devup/cluster";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { e2eCluster, offlineTools, type E2ECluster } from "../harness.ts";

const OWN = `devup-e2e-kind-${process.pid % 10000}`;
let kind: string;
let kubectl: string;
let shared: E2ECluster;
const dir = mkdtempSync(join(tmpdir(), "devup-e2e-kind-"));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

beforeAll(() => {
  kind = offlineTools().kind;
  kubectl = offlineTools().all.KUBECTL ?? "kubectl";
  shared = e2eCluster();
});

afterAll(async () => {
  if ((await kindClusterStatus(OWN, { kind })).exists) await deleteKindCluster(OWN, { kind });
  rmSync(dir, { recursive: true, force: true });
});

describe("kind provider", () => {
  it("reports the shared cluster as existing, running and answering", async () => {
    const status = await kindClusterStatus(shared.name, { kind });
    // One control plane: no load balancer, so the cluster's containers are its nodes.
    expect(status).toEqual({ name: shared.name, exists: true, nodes: [`${shared.name}-control-plane`], containers: [`${shared.name}-control-plane`], running: true, apiReady: true });
    expect(await kindKubeconfig(shared.name, { kind })).toContain(`kind-${shared.name}`);
    const again = await ensureKindCluster({ name: shared.name, kind });
    expect(again.action).toBe("reused");
    expect(again.cluster.context).toBe(shared.context);
  });

  it("reports a missing cluster as missing", async () => {
    expect(await kindClusterStatus("devup-e2e-no-such-cluster", { kind })).toEqual({ name: "devup-e2e-no-such-cluster", exists: false, nodes: [], containers: [], running: false, apiReady: false });
  });

  it("creates a cluster from the generated config, reuses it, restarts it when stopped, deletes it", async () => {
    const tools = offlineTools();
    const registry = await findLocalRegistry({ port: parseRegistryPort(tools.registry ?? "") });
    expect(registry, "the harness's registry container").toBeDefined();
    const httpPort = await freePort();
    const kubeconfig = join(dir, "kubeconfig");
    const options = { name: OWN, kind, nodeImage: tools.nodeImage, httpPort, registry, kubeconfig, waitMs: 120_000 };

    const created = await ensureKindCluster(options);
    expect(created.action).toBe("created");
    expect(created.cluster.registry).toEqual(registry);
    const node = `${OWN}-control-plane`;
    expect(execFileSync("docker", ["port", node, "80/tcp"], { encoding: "utf8" }).trim()).toBe(`127.0.0.1:${httpPort}`);
    const labels = execFileSync(kubectl, ["--kubeconfig", kubeconfig, "get", "node", node, "-o", "jsonpath={.metadata.labels.ingress-ready}"], { encoding: "utf8" });
    expect(labels).toBe("true");
    // The node image brings its own CNI: kindnetd must not be there, and the node must be Ready.
    const ds = execFileSync(kubectl, ["--kubeconfig", kubeconfig, "get", "daemonsets", "-n", "kube-system", "-o", "name"], { encoding: "utf8" });
    expect(ds).not.toContain("kindnet");
    execFileSync(kubectl, ["--kubeconfig", kubeconfig, "wait", "--for=condition=Ready", `node/${node}`, "--timeout=120s"]);
    const hosts = execFileSync("docker", ["exec", node, "cat", `/etc/containerd/certs.d/localhost:${registry!.port}/hosts.toml`], { encoding: "utf8" });
    expect(hosts).toContain(`http://${registry!.name}:${registry!.containerPort}`);

    expect((await ensureKindCluster(options)).action).toBe("reused");

    execFileSync("docker", ["stop", node]);
    expect(await kindClusterStatus(OWN, { kind })).toMatchObject({ exists: true, running: false, apiReady: false });
    expect((await ensureKindCluster(options)).action).toBe("restarted");
    expect(await kindClusterStatus(OWN, { kind })).toMatchObject({ running: true, apiReady: true });

    await deleteKindCluster(OWN, { kind });
    expect((await kindClusterStatus(OWN, { kind })).exists).toBe(false);
  });
});
