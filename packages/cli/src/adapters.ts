/** The engine's ports, wired to the real adapters: dockerode, the cluster's provider, the Kubernetes API. */
import { connectDocker, ensureImages, imageCommand, pingDocker } from "@devup/docker";
import { clusterProvider, type ClusterProvider, type ClusterTarget } from "@devup/cluster";
import { DevupError } from "@devup/errors";
import type { Ports } from "@devup/engine";
import { applyObjects, checkService, createKube, listWeightedServices, liveSlot, deletePods, forwardService, listIngressRoutes, listPodHealth, publishSyncedFiles, recentLogs, pruneObjects, recordRevision, syncIntoPods, waitForObjects, waitForEndpoints, waitForRollout, type Kube } from "@devup/kube";
import { ANNOTATIONS, LABELS, projectSelector, selectorLabels, slotDeploymentName, splitOf, TRAEFIK_UPSTREAM_IMAGE } from "@devup/manifests";
import { renderOwnManifests } from "@devup/own-manifests";
import type { ResolvedProject } from "@devup/project";
import { guardContext } from "./cluster-access.ts";
import type { HealthChecks } from "./health-watch.ts";
import type { MachineTools } from "./machine.ts";
import { ownPruneKinds, ROUTE_PRUNE_KINDS } from "./own-kinds.ts";
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

export function connect(project: ResolvedProject, options: ConnectOptions): Connection {
  const docker = connectDocker();
  let kube: Kube | undefined = options.kube;
  const provider: ClusterProvider = clusterProvider(project.cluster.provider);
  const site = provider.ingress(project.cluster);
  let cluster: ClusterTarget | undefined;
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
    manifests: { render: (p, service, signal) => renderOwnManifests(p, service, { signal }) },
    history: {
      async record(namespace, service, objects, d) {
        return (await recordRevision(needKube(), namespace, service, projectSelector(project), { objects, trigger: d.trigger, outcome: d.outcome, at: new Date(d.at), message: d.message, hashKey: project.hashKey })).revision;
      },
    },
    sync: {
      sync: (r) => syncIntoPods(needKube(), { namespace: r.namespace, name: r.service, files: r.files, run: r.run, restart: r.restart, skip: r.skip, selector: selectorLabels(project, r.service) }),
      keep: (namespace, service, files) => publishSyncedFiles(needKube(), namespace, service, { ...projectSelector(project), [LABELS.name]: service }, files),
      pods: (namespace, service) => listPodHealth(needKube(), namespace, selectorLabels(project, service)),
      crashLogs: async (namespace, pod) => {
        const kube = needKube();
        const container = (await kube.core.readNamespacedPod({ name: pod, namespace })).spec?.containers[0]?.name ?? "";
        // Right after a restart the kubelet may not have the crashed run's log at hand yet
        // ("unable to retrieve container logs for containerd://…"): ask again, briefly.
        let lines: string[] = [];
        for (let attempt = 0; attempt < 5; attempt++) {
          lines = await recentLogs(kube, namespace, pod, container, { previous: true, tailLines: 10 });
          if (!/^unable to retrieve container logs/.test(lines[0] ?? "")) return lines;
          await new Promise((r) => setTimeout(r, 400));
        }
        return lines;
      },
      replace: (namespace, pods) => deletePods(needKube(), namespace, pods),
    },
    cluster: {
      async ensure() {
        guardContext(provider, project, options.allowContexts);
        if (provider.localMachine) await pingDocker(docker);
        const ensured = await provider.ensure(project.cluster, options.tools, { recreate: options.recreateCluster });
        cluster = ensured.target;
        kube = createKube(ensured.access);
        return { context: ensured.access.context, created: ensured.created };
      },
      async deliver(images) {
        if (!cluster) throw new DevupError("internal", "images delivered before the cluster is ready");
        let fallback: string | undefined;
        const results = await provider.deliver(cluster, images, {
          docker,
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
    ingress: {
      site,
      controllerImage: () => (options.tools.ingressImage ? { image: options.tools.ingressImage, local: true } : { image: TRAEFIK_UPSTREAM_IMAGE, local: false }),
      hostPort: () => provider.mappedIngressPort(project.cluster, options.tools),
    },
    kube: {
      async apply(objects, o) {
        await applyObjects(needKube(), objects, { dryRun: o?.dryRun ?? false, ...(o?.onWait ? { onWait: o.onWait } : {}) });
      },
      ingressRoutes: () => listIngressRoutes(needKube()),
      liveSlot: (namespace, service) => liveSlot(needKube(), namespace, service),
      check: (namespace, service, port, path) => checkService(needKube(), namespace, service, port, path),
      async canaryWeight(namespace, service, slot) {
        const [weighted] = await listWeightedServices(needKube(), namespace, projectSelector(project, { managed: true, service }));
        if (!weighted) return undefined;
        const d = await needKube().apps.readNamespacedDeployment({ name: slotDeploymentName(service, slot), namespace }).catch(() => undefined);
        return { weight: splitOf(weighted, service)[slot] ?? 0, template: (d?.spec?.replicas ?? 0) > 0 ? d?.metadata?.annotations?.[ANNOTATIONS.template] : undefined };
      },
      async prune(desired) {
        const deleted = await pruneObjects(needKube(), desired, { selector: projectSelector(project, { managed: true }), namespace: project.namespace, extraKinds: [...ROUTE_PRUNE_KINDS, ...ownPruneKinds(project, desired)] });
        return deleted.map((r) => `${r.kind}/${r.name}`);
      },
      async waitObjects(objects, onProgress, signal) {
        // Deployments through the rollout watch (its diagnosis in words), everything else by its status.
        const deployments = objects.filter((o) => o.kind === "Deployment");
        await Promise.all([
          ...deployments.map((d) =>
            waitForRollout(needKube(), { namespace: d.metadata.namespace ?? project.namespace, name: d.metadata.name, timeoutMs: options.rolloutTimeoutMs, onProgress: (p) => onProgress(`Deployment ${d.metadata.name}: ${p.summary}`), ...(signal ? { signal } : {}) }),
          ),
          waitForObjects(needKube(), objects, { timeoutMs: options.rolloutTimeoutMs, signal, onProgress }),
        ]);
      },
      async waitReady(namespace, name, onProgress, signal) {
        await waitForRollout(needKube(), { namespace, name, timeoutMs: options.rolloutTimeoutMs, onProgress: (p) => onProgress(p.available, p.desired), ...(signal ? { signal } : {}) });
      },
      async waitServed(namespace, service, minimum, onWaiting, signal) {
        await waitForEndpoints(needKube(), namespace, { [service]: minimum }, 120_000, { signal, onWaiting });
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
    cluster: async () => (provider.nodesExist ? await provider.nodesExist(project.cluster, options.tools) : undefined),
  };
  return { ports, kube: needKube, health };
}
