// The registry and what the built-in providers say without running anything (no kind, no Docker).
import { validateFiles, type ResolvedCluster } from "@devup/project";
import { describe, expect, it } from "vitest";
import { clusterProvider, registerClusterProvider } from "./providers.ts";

function settings(dev: string): ResolvedCluster {
  const result = validateFiles({ "dev.yaml": dev });
  expect(result.errors).toEqual([]);
  return result.value!.cluster;
}

const kindSettings = settings("name: shop\ncluster:\n  name: dev\n  ingress: { httpPort: 8000 }\n");
const contextSettings = settings("name: shop\ncluster:\n  provider: context\n  context: staging\n  registry: registry.example.com/team\n");

describe("cluster providers", () => {
  it("map the spec's cluster.provider to a provider of that name, and refuse a name nobody registered", () => {
    expect(clusterProvider(kindSettings.provider).name).toBe("kind");
    expect(clusterProvider(contextSettings.provider).name).toBe("context");
    expect(() => clusterProvider("k3d")).toThrow(/no cluster provider named "k3d"/);
    expect(() => registerClusterProvider({ ...clusterProvider("kind") })).toThrow(/already registered/);
  });

  it("kind: a local cluster devup owns, named kind-<name>, serving routes on 127.0.0.1:<httpPort>", () => {
    const kind = clusterProvider("kind");
    expect({ local: kind.localMachine, owns: kind.ownsCluster, canDelete: typeof kind.delete, hasStatus: typeof kind.status }).toEqual({ local: true, owns: true, canDelete: "function", hasStatus: "function" });
    expect(kind.describe(kindSettings)).toBe("kind cluster dev");
    expect(kind.kubeContext(kindSettings)).toBe("kind-dev");
    expect(kind.ingress(kindSettings)).toEqual({ installsController: true, hostPort: 8000 });
  });

  it("context: a cluster devup did not create (never deleted), its own ingress, images pushed to its registry", async () => {
    const context = clusterProvider("context");
    expect({ local: context.localMachine, owns: context.ownsCluster, canDelete: typeof context.delete, hasStatus: typeof context.status }).toEqual({ local: false, owns: false, canDelete: "undefined", hasStatus: "undefined" });
    expect(context.describe(contextSettings)).toBe("context staging (images pushed to registry.example.com/team)");
    expect(context.kubeContext(contextSettings)).toBe("staging");
    expect(context.ingress(contextSettings)).toEqual({ installsController: false, hostPort: undefined });
    expect(await context.mappedIngressPort(contextSettings, {})).toBeUndefined();
    const ensured = await context.ensure(contextSettings, {});
    expect(ensured).toEqual({ access: { context: "staging" }, target: { provider: "context", context: "staging", registry: "registry.example.com/team" }, created: false });
    await expect(context.ensure({ ...contextSettings, registry: undefined }, {})).rejects.toMatchObject({ code: "E_USAGE", message: "cluster context staging needs cluster.registry: the registry its nodes pull devup's images from" });
  });
});
