/** The kind provider: a local cluster devup creates, restarts and deletes through the kind CLI. */
import { DevupError } from "@devup/errors";
import type { ClusterProvider } from "../provider.ts";
import { deleteKindCluster, ensureKindCluster, kindClusterStatus, kindKubeconfig, kindNodeRoles, kindNodes, type KindCluster } from "./cluster.ts";
import { deliverToKind } from "./deliver.ts";
import { kindIngressHostPort } from "./ingress-port.ts";
import { findLocalRegistry } from "./registry.ts";

export const kindProvider: ClusterProvider<KindCluster> = {
  name: "kind",
  localMachine: true,
  ownsCluster: true,
  describe: (s) => `kind cluster ${s.name}`,
  kubeContext: (s) => `kind-${s.name}`,
  async ensure(s, tools, options = {}) {
    const registry = tools.registryContainer ? await findLocalRegistry({ name: tools.registryContainer }) : await findLocalRegistry();
    const ensured = await ensureKindCluster({
      name: s.name,
      kind: tools.kind,
      nodeImage: s.nodeImage ?? tools.nodeImage,
      controlPlanes: s.controlPlanes,
      workers: s.workers,
      httpPort: s.ingress.httpPort,
      registry,
      recreate: options.recreate,
    });
    return {
      access: { context: ensured.cluster.context, kubeconfigYaml: await kindKubeconfig(s.name, { kind: tools.kind }) },
      target: ensured.cluster,
      created: ensured.action === "created" || ensured.action === "recreated",
    };
  },
  async access(s, tools) {
    const status = await kindClusterStatus(s.name, { kind: tools.kind });
    if (!status.exists) throw new DevupError("notFound", `the kind cluster ${s.name} does not exist`, { hint: "dev up creates it" });
    if (!status.apiReady) throw new DevupError("cluster", `the kind cluster ${s.name} exists but does not answer`, { hint: "dev up restarts it; dev doctor says more" });
    return { context: `kind-${s.name}`, kubeconfigYaml: await kindKubeconfig(s.name, { kind: tools.kind }) };
  },
  async status(s, tools) {
    const { exists, apiReady, nodes } = await kindClusterStatus(s.name, { kind: tools.kind });
    return { exists, apiReady, nodes, roles: kindNodeRoles(nodes) };
  },
  nodesExist: async (s, tools) => (await kindNodes(s.name, { kind: tools.kind })).length > 0,
  async delete(s, tools) {
    const { exists } = await kindClusterStatus(s.name, { kind: tools.kind });
    if (exists) await deleteKindCluster(s.name, { kind: tools.kind });
    return exists;
  },
  deliver: deliverToKind,
  // Traefik on the ingress-ready node, its port 80 mapped to 127.0.0.1:<httpPort> by the kind config.
  ingress: (s) => ({ installsController: true, hostPort: s.ingress.httpPort }),
  mappedIngressPort: (s, tools) => kindIngressHostPort(s.name, { kind: tools.kind }),
};
