/** The engine's ports, wired to the real adapters: dockerode, the kind CLI, the Kubernetes API. */
import { connectDocker, ensureImages, pingDocker } from "@devup/docker";
import { contextCluster, deliverImages, ensureKindCluster, findLocalRegistry, kindIngressHostPort, kindKubeconfig, type Cluster, type LocalRegistry } from "@devup/cluster";
import { DevupError } from "@devup/errors";
import type { Ports } from "@devup/engine";
import { applyObjects, assertContextAllowed, createKube, forwardService, OWN_PRUNE_KINDS, PRUNE_KINDS, pruneObjects, recordRevision, syncIntoPods, waitForObjects, waitForRollout, type Kube } from "@devup/kube";
import { clusterScopedKinds, LABELS, MANAGED_BY, selectorLabels, TRAEFIK_UPSTREAM_IMAGE, type KubeObject } from "@devup/manifests";
import { renderOwnManifests } from "@devup/own-manifests";
import type { ResolvedProject } from "@devup/project";
import type { MachineTools } from "./machine.ts";
import { contentTag } from "./project.ts";

export interface ConnectOptions {
  tools: MachineTools;
  /** Contexts the user allowed with --allow-context. */
  allowContexts: readonly string[];
  recreateCluster?: boolean;
  rolloutTimeoutMs: number;
}

export interface Connection {
  ports: Ports;
  /** Available after ports.cluster.ensure(). */
  kube(): Kube;
}

/** The labels that select everything devup manages for this project and environment. */
/** Kinds to prune besides the generated ones, for projects with manifests: the common workload kinds and the namespaced kinds in the set. */
export function ownPruneKinds(project: ResolvedProject, desired: readonly KubeObject[] = []): Array<{ kind: string; apiVersion: string }> {
  if (!project.services.some((s) => s.manifests)) return [];
  const cluster = clusterScopedKinds(desired);
  const inSet = desired.filter((o) => !cluster.has(o.kind) && !(o.kind in PRUNE_KINDS)).map((o) => ({ kind: o.kind, apiVersion: o.apiVersion }));
  return [...OWN_PRUNE_KINDS, ...inSet];
}

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
  let kube: Kube | undefined;
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
          requests.map((r) => ({ service: r.service, tag: r.tag, inputs: { context: r.context, dockerfile: r.dockerfile, args: r.args, target: r.target } })),
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
      async command(tag) {
        const info = await docker.getImage(tag).inspect().catch(() => undefined);
        if (!info) return undefined;
        const entry = info.Config.Entrypoint ?? [];
        return { entrypoint: typeof entry === "string" ? ["/bin/sh", "-c", entry] : entry, cmd: info.Config.Cmd ?? [] };
      },
    },
    manifests: { render: (p, service, signal) => renderOwnManifests(p, service, { signal }) },
    history: {
      async record(namespace, service, objects, d) {
        const labels = { [LABELS.project]: project.name, [LABELS.environment]: project.environment };
        return (await recordRevision(needKube(), namespace, service, labels, { objects, trigger: d.trigger, outcome: d.outcome, at: new Date(d.at), message: d.message, hashKey: project.hashKey })).revision;
      },
    },
    sync: {
      sync: (r) => syncIntoPods(needKube(), { namespace: r.namespace, name: r.service, files: r.files, run: r.run, restart: r.restart, skip: r.skip, selector: selectorLabels(project, r.service) }),
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
      async prune(desired) {
        const deleted = await pruneObjects(needKube(), desired, { selector: scopeSelector(project), namespace: project.namespace, extraKinds: ownPruneKinds(project, desired) });
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
  return { ports, kube: needKube };
}
