// The cluster provider seam: a provider the CLI has never heard of (in memory, registered here under
// its own names) goes through dev up's adapters, dev status's access and ingress view, and
// dev down --cluster. Nothing in the CLI names it; every call it receives is recorded.
import { registerClusterProvider, type ClusterProvider, type ClusterTarget } from "@devup/cluster";
import { validateFiles, type ResolvedProject } from "@devup/project";
import { describe, expect, it } from "vitest";
import { connect } from "./adapters.ts";
import { deleteProjectCluster, existingCluster } from "./cluster-access.ts";
import type { CommandContext } from "./context.ts";
import { ingressView } from "./ingress-status.ts";
import { createOutput } from "./output.ts";

interface MemoryTarget extends ClusterTarget {
  nodes: string[];
}

const kubeconfig = (context: string) =>
  [
    "apiVersion: v1",
    "kind: Config",
    "clusters: [{ name: m, cluster: { server: 'https://127.0.0.1:1' } }]",
    "users: [{ name: m, user: { token: t } }]",
    `contexts: [{ name: ${context}, context: { cluster: m, user: m } }]`,
    `current-context: ${context}`,
  ].join("\n");

/** A provider whose clusters are entries in a set; `owns` decides the context guard and deletion. */
function memoryProvider(name: string, owns: boolean) {
  const calls: string[] = [];
  const clusters = new Set<string>();
  const provider: ClusterProvider<MemoryTarget> = {
    name,
    localMachine: false,
    ownsCluster: owns,
    describe: (s) => `${name} cluster ${s.name}`,
    kubeContext: (s) => `${name}-${s.name}`,
    ensure(s, tools, options) {
      calls.push(`ensure ${s.name} tools=${JSON.stringify(tools)} recreate=${String(options?.recreate)}`);
      const created = !clusters.has(s.name);
      clusters.add(s.name);
      const context = `${name}-${s.name}`;
      return Promise.resolve({ access: { context, kubeconfigYaml: kubeconfig(context) }, target: { provider: name, context, nodes: [`${s.name}-node`] }, created });
    },
    access(s) {
      calls.push(`access ${s.name}`);
      const context = `${name}-${s.name}`;
      return Promise.resolve({ context, kubeconfigYaml: kubeconfig(context) });
    },
    deliver(target, images) {
      calls.push(`deliver ${images.join(" ")} to ${target.nodes.join(",")}`);
      return Promise.resolve(images.map((image) => ({ image, ref: `${name}.local/${image}`, action: "delivered" as const, method: "push" as const, durationMs: 1 })));
    },
    ingress: () => ({ installsController: owns, hostPort: owns ? 9080 : undefined }),
    mappedIngressPort(s) {
      calls.push(`mapped port ${s.name}`);
      return Promise.resolve(undefined);
    },
    ...(owns
      ? {
          delete(s) {
            calls.push(`delete ${s.name}`);
            return Promise.resolve(clusters.delete(s.name));
          },
        }
      : {}),
  };
  registerClusterProvider(provider);
  return { calls, clusters };
}

const local = memoryProvider("memory", true);
const remote = memoryProvider("memory-remote", false);

function project(provider: string): ResolvedProject {
  const result = validateFiles({
    "dev.yaml": "name: shop\ncluster:\n  name: shop\n",
    "services/api/service.yaml": "image: example/api:1\nports:\n  - port: 8080\ningress:\n  - { host: api.localhost, path: /v1 }\n",
  });
  expect(result.errors).toEqual([]);
  return { ...result.value!, cluster: { ...result.value!.cluster, provider } };
}

function ctx(options: CommandContext["options"] = {}): CommandContext {
  return { cwd: "/nowhere", out: createOutput("text", { stdout: { write: () => true }, stderr: { write: () => true } }), options, positionals: [], interactive: false };
}

describe("a provider the CLI does not know by name", () => {
  it("is ensured, delivered to and asked where routes go through dev up's adapters", async () => {
    const connection = connect(project("memory"), { tools: { nodeImage: "n:1" }, allowContexts: [], recreateCluster: true, rolloutTimeoutMs: 1000 });
    const { ports } = connection;
    expect(() => connection.kube()).toThrow("the cluster is not connected yet");
    expect(await ports.cluster.ensure()).toEqual({ context: "memory-shop", created: true });
    expect(connection.kube().config.getCurrentContext()).toBe("memory-shop");
    expect(await ports.cluster.deliver(["example/api:1"])).toEqual([
      { image: "example/api:1", ref: "memory.local/example/api:1", action: "delivered", method: "push", durationMs: 1, error: undefined },
    ]);
    expect(ports.ingress?.site).toEqual({ installsController: true, hostPort: 9080 });
    expect(await ports.ingress?.hostPort()).toBeUndefined();
    expect(local.calls).toEqual(['ensure shop tools={"nodeImage":"n:1"} recreate=true', "deliver example/api:1 to shop-node", "mapped port shop"]);
  });

  it("is guarded by name when devup does not own it: nothing reaches the provider until the context is allowed", async () => {
    const refused = connect(project("memory-remote"), { tools: {}, allowContexts: [], rolloutTimeoutMs: 1000 });
    await expect(refused.ports.cluster.ensure()).rejects.toMatchObject({ code: "E_CONTEXT_NOT_ALLOWED", message: 'refusing to deploy to kubeconfig context "memory-remote-shop": devup did not create it' });
    await expect(existingCluster(ctx(), project("memory-remote"))).rejects.toMatchObject({ code: "E_CONTEXT_NOT_ALLOWED" });
    expect(remote.calls).toEqual([]);
    const allowed = connect(project("memory-remote"), { tools: {}, allowContexts: ["memory-remote-shop"], rolloutTimeoutMs: 1000 });
    expect(await allowed.ports.cluster.ensure()).toEqual({ context: "memory-remote-shop", created: true });
    expect((await existingCluster(ctx({ "allow-context": "memory-remote-shop" }), project("memory-remote"))).config.getCurrentContext()).toBe("memory-remote-shop");
    expect(remote.calls).toEqual(["ensure shop tools={} recreate=undefined", "access shop"]);
  });

  it("gives dev status its ingress view: devup's controller on the provider's port, or the cluster's own", async () => {
    const kube = await existingCluster(ctx(), project("memory"));
    expect(await ingressView(kube, project("memory"))).toEqual({
      controller: "no host port",
      routes: [{ service: "api", host: "api.localhost", path: "/v1", port: "http", url: "http://api.localhost:9080/v1" }],
    });
    expect(await ingressView(kube, project("memory-remote"))).toEqual({
      controller: "external",
      routes: [{ service: "api", host: "api.localhost", path: "/v1", port: "http", url: "http://api.localhost/v1" }],
    });
  });

  it("is deleted by dev down --cluster only when devup owns it", async () => {
    local.clusters.add("shop");
    expect(await deleteProjectCluster(project("memory"))).toBe("deleted the memory cluster shop");
    expect(await deleteProjectCluster(project("memory"))).toBe("the memory cluster shop did not exist");
    expect(await deleteProjectCluster(project("memory-remote"))).toBeUndefined();
    expect(local.clusters.has("shop")).toBe(false);
  });
});
