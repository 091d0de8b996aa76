/**
 * `dev up` once: cluster → images → delivery → apply (dependencies first) → rollout → forwards,
 * each step a plan (plan/plan.ts) run by the executor (execute.ts). Every step compares what the
 * spec wants with what exists and acts only on a difference: an image whose content tag exists is
 * not built, an image the nodes have is not delivered.
 */
import { toErrorReport } from "@devup/errors";
import type { ResolvedProject } from "@devup/project";
import { executeDryRun, executeImages, executeRollout } from "./execute.ts";
import { ForwardSet } from "./forwards.ts";
import { ensureIngress, type IngressOutcome } from "./ingress.ts";
import { reportIngressConflicts } from "./ingress-conflicts.ts";
import { plan } from "./plan/plan.ts";
import type { ForwardHandle, Ports } from "./ports.ts";
import type { Store } from "./store.ts";

export interface UpOptions {
  /** Start port-forwards for ports with `forward`. */
  forward: boolean;
  /** The command that deploys ("dev up", "dev apply", "dev ci", …): shown as "why" and recorded in each service's history. */
  trigger: string[];
  /** Exact image references to deploy for these services instead of building (`dev env promote`); still delivered to the cluster. */
  images?: Readonly<Record<string, string>> | undefined;
  now?: () => number;
}

export interface UpResult {
  ready: string[];
  failed: string[];
  /** The forwards open now (live: the watch loop adds and removes entries through `forwardSet`). */
  forwards: ForwardHandle[];
  forwardSet: ForwardSet;
  /** The ingress controller, when this project has one installed (kind clusters with routes). */
  ingress?: IngressOutcome | undefined;
}

export async function up(project: ResolvedProject, ports: Ports, store: Store, options: UpOptions): Promise<UpResult> {
  const now = options.now ?? Date.now;

  // 1. Cluster.
  const clusterStart = now();
  store.dispatch({ type: "cluster", status: "creating" });
  try {
    const { context, created } = await ports.cluster.ensure();
    store.dispatch({ type: "cluster", status: "ready", context, message: created ? "created" : "reused", durationMs: now() - clusterStart });
  } catch (error) {
    store.dispatch({ type: "cluster", status: "failed", message: toErrorReport(error).message });
    throw error;
  }
  // Ingress routes another project on this cluster claims too: said before anything is built.
  await reportIngressConflicts(project, ports, store);
  for (const s of project.services) store.dispatch({ type: "update-start", service: s.name, trigger: options.trigger, at: now() });

  // 2. Images: content tags, then build only what is missing, then delivery into the cluster.
  let observed = await executeImages(project, ports, store, { pinned: options.images });

  // The ingress controller comes up beside the services (after the services' delivery, so the
  // two deliveries do not run at once).
  const ingress = ensureIngress(project, ports, store, now);
  // A canary's route objects are Traefik's custom resources: their CRDs come with the controller, so it goes first.
  if (project.services.some((s) => s.rollout.strategy === "canary")) await ingress;

  // 3. Objects. Services whose image failed keep what runs now: their objects are not applied,
  //    but the prune leaves them alone; while a manifests service's objects are not known (its image
  //    or its render failed), nothing is pruned (the prune would delete them).
  let current = plan(project, observed);
  await ports.kube.apply([current.namespace], { onWait: (message) => store.dispatch({ type: "log", level: "info", message }) });
  const pruned = current.prunable ? await ports.kube.prune(current.keep) : [];
  if (pruned.length) store.dispatch({ type: "pruned", objects: pruned });
  observed = await executeDryRun(project, ports, store, current, observed);
  current = plan(project, observed);

  // 4. Apply and roll out, each service as soon as the services it waits for are ready.
  const outcomes = await executeRollout(current, ports, store, project.namespace, now);
  const ready = project.services.filter((s) => outcomes.get(s.name)).map((s) => s.name);
  const ingressOutcome = await ingress;

  // 5. Forwards for the services that are ready.
  const forwardSet = new ForwardSet(ports, store);
  if (options.forward) await forwardSet.reconcile(project, (name) => ready.includes(name));
  return { ready, failed: project.services.filter((s) => !outcomes.get(s.name)).map((s) => s.name), forwards: forwardSet.handles, forwardSet, ...(ingressOutcome ? { ingress: ingressOutcome } : {}) };
}
