/** The engine's ports, wired to the real adapters: dockerode, the kind CLI, the Kubernetes API. */
import { connectDocker, ensureImages, imageCommand, pingDocker } from "@devup/docker";
import { contextCluster, deliverImages, ensureKindCluster, findLocalRegistry, kindIngressHostPort, kindKubeconfig, kindNodes, type Cluster, type LocalRegistry } from "@devup/cluster";
import { DevupError } from "@devup/errors";
import type { Ports } from "@devup/engine";
import { applyObjects, assertContextAllowed, createKube, deletePods, forwardService, listIngressRoutes, listPodHealth, publishSyncedFiles, recentLogs, pruneObjects, recordRevision, syncIntoPods, waitForRollout, type Kube } from "@devup/kube";
import { LABELS, MANAGED_BY, selectorLabels, TRAEFIK_UPSTREAM_IMAGE } from "@devup/manifests";
import type { ResolvedProject } from "@devup/project";
import type { HealthChecks } from "./health-watch.ts";
import type { MachineTools } from "./machine.ts";
import { contentTag } from "./project.ts";

export interface ConnectOptions {
  tools: MachineTools;
  /** Contexts the user allowed with --allow-context. */
  allowContexts: readonly string[];
  recreateCluster?: boolean;
  rolloutTimeoutMs: number;
  /** An existing connection to the project's cluster (`dev rollback`): the kube and history ports work without `cluster.ensure()`. */
  kube?: Kube | undefined;
}

export interface Connection {
  ports: Ports;
  /** Available after ports.cluster.ensure(). */
  kube(): Kube;
  /** What `dev up` looks at while it runs: the Docker engine, and whether the kind cluster still has nodes. */
  health: HealthChecks;
}

/** The labels that select everything devup manages for this project and environment. */
export function scopeSelector(project: ResolvedProject): Record<string, string> {
  return { [LABELS.managedBy]: MANAGED_BY, [LABELS.project]: project.name, [LABELS.environment]: project.environment };
}

/** The Kubernetes API for an existing project cluster (status, logs, down): no creation. */
export async function connectKube(project: ResolvedProject, tools: MachineTools, allowContexts: readonly string[]): Promise<Kube> {
  if (project.cluster.provider === "kind") {
    const yaml = await kindKubeconfig(project.cluster.name, { kind: tools.kind });
    return createKube({ kubeconfigYaml: yaml, context: `kind-${project.cluster.name}` });
  }
  const context = project.cluster.context!;
  assertContextAllowed({ context, createdByDevup: false, allowed: [...allowContexts, ...project.cluster.allowedContexts] });
  return createKube({ context });
}

export function connect(project: ResolvedProject, options: ConnectOptions): Connection {
  const docker = connectDocker();
  let kube: Kube | undefined = options.kube;
  let cluster: Cluster | undefined;
  let registry: LocalRegistry | undefined;
  const needKube = (): Kube => {
    if (!kube) throw new DevupError("internal", "the cluster is not connected yet");
    return kube;
  };
  const ports: Ports = {
    images: {
      async tag(r) {
        return (await contentTag(project.name, r.service, { context: r.context, dockerfile: r.dockerfile, args: r.args, target: r.target })).tag;
      },
      async ensure(requests, on, signal) {
        if (requests.length) await pingDocker(docker);
        const results = await ensureImages(
          docker,
          requests.map((r) => ({ service: r.service, tag: r.tag, inputs: { context: r.context, dockerfile: r.dockerfile, args: r.args, target: r.target }, secrets: r.secrets })),
          {
            concurrency: 2,
            ...(signal ? { signal } : {}),
            onEvent: (e) => {
              if (e.type === "build-start") on.start(e.service);
              else if (e.type === "build-line") on.line(e.service, e.line);
            },
          },
        );
        return results.map((r) => ({ service: r.service, tag: r.tag, action: r.action, durationMs: r.durationMs, error: r.error }));
      },
      command: (tag) => imageCommand(docker, tag),
    },
    history: {
      async record(namespace, service, objects, d) {
        const labels = { [LABELS.project]: project.name, [LABELS.environment]: project.environment };
        return (await recordRevision(needKube(), namespace, service, labels, { objects, trigger: d.trigger, outcome: d.outcome, at: new Date(d.at), message: d.message, hashKey: project.hashKey })).revision;
      },
    },
    sync: {
      sync: (r) => syncIntoPods(needKube(), { namespace: r.namespace, name: r.service, files: r.files, run: r.run, restart: r.restart, skip: r.skip, selector: selectorLabels(project, r.service) }),
      keep: (namespace, service, files) => publishSyncedFiles(needKube(), namespace, service, { ...scopeSelector(project), [LABELS.name]: service }, files),
      pods: (namespace, service) => listPodHealth(needKube(), namespace, selectorLabels(project, service)),
      crashLogs: async (namespace, pod) => {
        const kube = needKube();
        const container = (await kube.core.readNamespacedPod({ name: pod, namespace })).spec?.containers[0]?.name ?? "";
        return recentLogs(kube, namespace, pod, container, { previous: true, tailLines: 10 });
      },
      replace: (namespace, pods) => deletePods(needKube(), namespace, pods),
    },
    cluster: {
      async ensure() {
        const c = project.cluster;
        if (c.provider === "context") {
          const context = c.context!;
          assertContextAllowed({ context, createdByDevup: false, allowed: [...options.allowContexts, ...c.allowedContexts] });
          if (!c.registry) throw new DevupError("usage", `cluster context ${context} needs cluster.registry: the registry its nodes pull devup's images from`);
          kube = createKube({ context });
          cluster = contextCluster({ context, registry: c.registry });
          return { context, created: false };
        }
        await pingDocker(docker);
        registry = options.tools.registryContainer ? await findLocalRegistry({ name: options.tools.registryContainer }) : await findLocalRegistry();
        const ensured = await ensureKindCluster({
          name: c.name,
          kind: options.tools.kind,
          nodeImage: c.nodeImage ?? options.tools.nodeImage,
          workers: c.workers,
          httpPort: c.ingress.httpPort,
          registry,
          recreate: options.recreateCluster,
        });
        cluster = ensured.cluster;
        kube = createKube({ kubeconfigYaml: await kindKubeconfig(c.name, { kind: options.tools.kind }), context: ensured.cluster.context });
        return { context: ensured.cluster.context, created: ensured.action === "created" || ensured.action === "recreated" };
      },
      async deliver(images) {
        if (!cluster) throw new DevupError("internal", "images delivered before the cluster is ready");
        let fallback: string | undefined;
        const results = await deliverImages(cluster, images, {
          docker,
          registry: cluster.provider === "kind" ? cluster.registry : undefined,
          onEvent: (e) => {
            if (e.type === "deliver-fallback") fallback = e.reason;
          },
        });
        return results.map((d) => ({
          ...(fallback && d.method === "kind-load" ? { note: fallback } : {}),
          image: d.image,
          ref: d.ref,
          action: d.action === "present" ? "skipped" : d.action,
          method: d.method === "kind-load" ? "kind load" : d.method,
          durationMs: d.durationMs,
          error: d.error,
        }));
      },
    },
    ingress:
      project.cluster.provider === "kind"
        ? {
            controllerImage: () => (options.tools.ingressImage ? { image: options.tools.ingressImage, local: true } : { image: TRAEFIK_UPSTREAM_IMAGE, local: false }),
            hostPort: () => kindIngressHostPort(project.cluster.name, { kind: options.tools.kind }),
          }
        : undefined,
    kube: {
      async apply(objects, o) {
        await applyObjects(needKube(), objects, { dryRun: o?.dryRun ?? false });
      },
      ingressRoutes: () => listIngressRoutes(needKube()),
      async prune(desired) {
        const deleted = await pruneObjects(needKube(), desired, { selector: scopeSelector(project), namespace: project.namespace });
        return deleted.map((r) => `${r.kind}/${r.name}`);
      },
      async waitReady(namespace, name, onProgress, signal) {
        await waitForRollout(needKube(), { namespace, name, timeoutMs: options.rolloutTimeoutMs, onProgress: (p) => onProgress(p.available, p.desired), ...(signal ? { signal } : {}) });
      },
      async forward(o) {
        const f = await forwardService(needKube(), {
          namespace: o.namespace,
          service: o.service,
          port: o.port,
          localPort: o.localPort,
          // A port another process holds is said at once and taken as soon as it frees.
          retryBusyPortMs: 1000,
          onState: (state, message) => o.onState(state, message),
        });
        return { localPort: f.localPort, reset: () => f.resetConnections(), close: () => f.close() };
      },
    },
  };
  const health: HealthChecks = {
    docker: () => pingDocker(docker, 3000),
    cluster: async () => (project.cluster.provider === "kind" ? (await kindNodes(project.cluster.name, { kind: options.tools.kind })).length > 0 : undefined),
  };
  return { ports, kube: needKube, health };
}
