/**
 * The context provider: a cluster devup did not create, reached through a kubeconfig context the
 * user allowed by name (the CLI applies that guard before anything else); images are pushed to
 * the registry it pulls from; routes are served by the cluster's own ingress controller.
 */
import { DevupError } from "@devup/errors";
import type { ClusterProvider } from "../provider.ts";
import { contextCluster, type ContextCluster } from "./cluster.ts";
import { deliverToContext } from "./deliver.ts";

export const contextProvider: ClusterProvider<ContextCluster> = {
  name: "context",
  localMachine: false,
  ownsCluster: false,
  describe: (s) => `context ${s.context ?? "?"} (images pushed to ${s.registry ?? "its registry: set cluster.registry"})`,
  kubeContext: (s) => s.context ?? "",
  ensure(s) {
    const context = s.context ?? "";
    if (!s.registry) return Promise.reject(new DevupError("usage", `cluster context ${context} needs cluster.registry: the registry its nodes pull devup's images from`));
    return Promise.resolve({ access: { context }, target: contextCluster({ context, registry: s.registry }), created: false });
  },
  access: (s) => Promise.resolve({ context: s.context ?? "" }),
  deliver: deliverToContext,
  ingress: () => ({ installsController: false, hostPort: undefined }),
  mappedIngressPort: () => Promise.resolve(undefined),
};
