/**
 * The Kubernetes API handle: one KubeConfig pinned to one context, and the clients built from it.
 * Everything else in this package takes a `Kube` as its first argument.
 */
import { AppsV1Api, CoreV1Api, KubernetesObjectApi, type KubeConfig } from "./k8s.ts";
import { DevupError, errorMessage } from "@devup/errors";
import { PooledKubeConfig } from "./pooled-config.ts";

export interface Kube {
  /** The kubeconfig context every call goes to. */
  readonly context: string;
  /** The API server URL of that context's cluster. */
  readonly server: string;
  readonly config: KubeConfig;
  readonly objects: KubernetesObjectApi;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
}

export interface KubeOptions {
  /** A kubeconfig file; without it and without `kubeconfigYaml`, the default loading rules apply (KUBECONFIG, ~/.kube/config). */
  kubeconfigPath?: string | undefined;
  /** A kubeconfig document (wins over `kubeconfigPath`). */
  kubeconfigYaml?: string | undefined;
  /** The context to use; default: the kubeconfig's current context. */
  context?: string | undefined;
}

export function createKube(options: KubeOptions = {}): Kube {
  const config = new PooledKubeConfig();
  const source = options.kubeconfigYaml !== undefined ? "the given kubeconfig" : (options.kubeconfigPath ?? "the default kubeconfig");
  try {
    if (options.kubeconfigYaml !== undefined) config.loadFromString(options.kubeconfigYaml);
    else if (options.kubeconfigPath !== undefined) config.loadFromFile(options.kubeconfigPath);
    else config.loadFromDefault();
  } catch (error) {
    throw new DevupError("kube", `could not read ${source}: ${errorMessage(error)}`, {
      hint: "check that the file exists and is a valid kubeconfig (kubectl config view shows what it contains)",
      cause: error,
    });
  }

  if (options.context !== undefined) {
    if (!config.getContextObject(options.context)) {
      const known = config.getContexts().map((c) => c.name);
      throw new DevupError("kube", `kubeconfig context "${options.context}" does not exist in ${source}`, {
        hint: known.length > 0 ? `known contexts: ${known.join(", ")}` : "the kubeconfig has no contexts",
      });
    }
    config.setCurrentContext(options.context);
  }

  const context = config.getCurrentContext();
  const cluster = config.getCurrentCluster();
  if (!context || !cluster) {
    throw new DevupError("kube", `${source} has no current context with a cluster`, {
      hint: "pass a context by name, or create the cluster with dev up",
    });
  }

  return {
    context,
    server: cluster.server,
    config,
    objects: KubernetesObjectApi.makeApiClient(config),
    core: config.makeApiClient(CoreV1Api),
    apps: config.makeApiClient(AppsV1Api),
  };
}
