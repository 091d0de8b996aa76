/**
 * `dev drill pod|rollout SERVICE`, `dev drill node NODE`: rehearse what production does to a
 * service — a serving pod deleted, a rolling restart, a node drained — while bounded traffic
 * (127.0.0.1 only) goes through forwards of its own and through the ingress, and report per service:
 * requests, failures, the longest gap, and the time until it is back to full strength. Unmet
 * expectations (one replica, no readiness probe, no PodDisruptionBudget) are said with the spec line
 * to change.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DevupError, errorMessage } from "@devup/errors";
import { budgetCovers, cordonNode, deleteServingPod, deploymentStrength, evictNode, forwardService, liveSlot, restartDeployment, type Forward, type Kube } from "@devup/kube";
import { LABELS, projectSelector, slotDeploymentName } from "@devup/manifests";
import type { ResolvedProject, ResolvedService } from "@devup/project";
import { existingCluster } from "../cluster-access.ts";
import { secondsOption, type CommandContext } from "../context.ts";
import { drillFindings, type Finding } from "../drill/expectations.ts";
import { startTraffic, type TrafficResult, type TrafficRun } from "../drill/traffic.ts";
import { ingressView, type IngressView } from "../ingress-status.ts";
import { loadValidProject } from "../project.ts";

type Kind = "pod" | "rollout" | "node";

/** The services a drill watches: the one named, or (node) every generated service with ports that runs. */
function targetsOf(ctx: CommandContext, project: ResolvedProject, kind: Kind): ResolvedService[] {
  const runnable = (s: ResolvedService) => !s.manifests && s.ports.length > 0 && s.replicas > 0;
  if (kind === "node") return project.services.filter(runnable);
  const name = ctx.positionals[0];
  const service = project.services.find((s) => s.name === name);
  if (!service) throw new DevupError("usage", `no service is named ${JSON.stringify(name)}`, { hint: `the services are ${project.services.map((s) => s.name).join(", ")}` });
  if (service.manifests) throw new DevupError("usage", `${service.name} deploys its own manifests: dev drill rehearses services devup generates`, { hint: "drill one of the others, or use kubectl delete pod / kubectl rollout restart" });
  if (!service.ports.length) throw new DevupError("usage", `${service.name} has no ports: there is nothing to send traffic to`, { hint: `add ports: to ${service.specFile}` });
  return [service];
}

/** The Deployment that serves a service and its pods' labels: a blueGreen (or canary) service's live slot's. */
async function workload(kube: Kube, project: ResolvedProject, name: string): Promise<{ deployment: string; pods: Record<string, string> }> {
  const pods = projectSelector(project, { service: name });
  if ((project.services.find((s) => s.name === name)?.rollout.strategy ?? "rolling") === "rolling") return { deployment: name, pods };
  const slot = (await liveSlot(kube, project.namespace, name))?.slot ?? "blue";
  return { deployment: slotDeploymentName(name, slot), pods: { ...pods, [LABELS.slot]: slot } };
}

async function disrupt(kube: Kube, project: ResolvedProject, kind: Kind, target: string, timeoutMs: number): Promise<string> {
  if (kind === "rollout") {
    await restartDeployment(kube, project.namespace, (await workload(kube, project, target)).deployment);
    return `restarted every pod of ${target} (a rolling restart)`;
  }
  if (kind === "node") {
    await cordonNode(kube, target, true);
    const evicted = await evictNode(kube, target, timeoutMs);
    return `drained node ${target} (cordoned; ${evicted.length} pods evicted, PodDisruptionBudgets honoured)`;
  }
  const victim = await deleteServingPod(kube, project.namespace, (await workload(kube, project, target)).pods);
  if (!victim) throw new DevupError("drillFailed", `${target} has no ready pod to delete`, { hint: "dev up first, then dev status shows when it is ready" });
  return `deleted the serving pod ${victim}`;
}

interface Watched {
  service: ResolvedService;
  findings: Finding[];
  forward: Forward;
  runs: TrafficRun[];
  backMs?: number | undefined;
}

/** A forward of the drill's own, and its traffic: to the HTTP health check's port and path when there is one, else the first port's /. */
async function watch(kube: Kube, project: ResolvedProject, service: ResolvedService, ingress: IngressView, limits: { maxRequests: number; maxMs: number }): Promise<Omit<Watched, "findings">> {
  const check = service.health?.check;
  const port = check?.kind === "http" ? check.port : service.ports[0]!.name;
  const forward = await forwardService(kube, { namespace: project.namespace, service: service.name, port, localPort: 0 });
  const runs = [startTraffic({ via: "forward", port: forward.localPort, path: check?.kind === "http" ? check.path : "/" }, limits)];
  if (ingress.controller === "ready" || ingress.controller === "external") {
    for (const r of ingress.routes.filter((x) => x.service === service.name)) {
      const url = new URL(r.url);
      // Only routes this machine serves (127.0.0.1, *.localhost): a drill never sends traffic elsewhere.
      if (url.hostname === "localhost" || url.hostname.endsWith(".localhost") || url.hostname === "127.0.0.1") {
        runs.push(startTraffic({ via: "ingress", port: Number(url.port || 80), path: url.pathname, host: url.hostname }, limits));
      }
    }
  }
  return { service, forward, runs };
}

const describe = (t: TrafficResult) => `${t.via} ${t.url}: ${t.requests} requests, ${t.failed} failed${t.errors.length ? ` (${t.errors.join("; ")})` : ""}, longest gap ${t.longestGapMs} ms`;

async function drill(ctx: CommandContext, kind: Kind): Promise<void> {
  const project = loadValidProject(ctx);
  const targets = targetsOf(ctx, project, kind);
  const target = ctx.positionals[0] ?? "";
  const seconds = secondsOption(ctx, "seconds", 60);
  const maxRequests = Number(ctx.options.requests ?? 3000);
  if (!Number.isInteger(maxRequests) || maxRequests <= 0) throw new DevupError("usage", `--requests must be a whole number above 0, not ${JSON.stringify(ctx.options.requests)}`, { hint: "for example --requests 3000" });
  const kube = await existingCluster(ctx, project);
  if (kind === "node") await nodeGuard(kube, target);
  for (const s of targets) {
    const before = await deploymentStrength(kube, project.namespace, (await workload(kube, project, s.name)).deployment).catch((error: unknown) => {
      throw new DevupError("drillFailed", `${s.name} is not deployed in namespace ${project.namespace} (${errorMessage(error)})`, { hint: "dev up (or dev apply) first" });
    });
    if (!before.full) throw new DevupError("drillFailed", `${s.name} is not at full strength (${before.ready}/${before.desired} ready): a drill starts from a healthy service`, { hint: "dev status says why; wait, or fix it first" });
  }

  const limits = { maxRequests, maxMs: seconds * 1000 };
  const ingress = await ingressView(kube, project);
  const watched: Watched[] = [];
  try {
    for (const s of targets) {
      const findings = drillFindings(s, readFileSync(join(project.root, s.specFile), "utf8"), await budgetCovers(kube, project.namespace, projectSelector(project, { service: s.name })).catch(() => false));
      for (const f of findings) ctx.out.info({ type: "drill.finding", service: s.name, expectation: f.expectation, message: `expectation: ${f.message}` });
      watched.push({ ...(await watch(kube, project, s, ingress, limits)), findings });
    }
    // A moment of traffic before the disruption: failures then are not the drill's.
    await new Promise((r) => setTimeout(r, 1000));
    const started = Date.now();
    const disrupted = await disrupt(kube, project, kind, kind === "node" ? target : targets[0]!.name, seconds * 1000);
    ctx.out.info({ type: "drill.disrupted", target, message: `drill: ${disrupted}; sending traffic until ${kind === "node" ? "every service is" : "it is"} back to full strength (at most ${seconds} s)` });
    while (Date.now() - started < seconds * 1000 && watched.some((w) => w.backMs === undefined)) {
      await new Promise((r) => setTimeout(r, 250));
      for (const w of watched.filter((x) => x.backMs === undefined)) {
        // The controllers need a moment to see the change: full strength counts from 2 s on.
        if ((await deploymentStrength(kube, project.namespace, (await workload(kube, project, w.service.name)).deployment)).full && Date.now() - started > 2000) w.backMs = Date.now() - started;
      }
    }
    // A little traffic after, to see the new pods answer.
    await new Promise((r) => setTimeout(r, 1500));
    const services = await Promise.all(
      watched.map(async (w) => ({ service: w.service.name, traffic: await Promise.all(w.runs.map((r) => r.stop())), backToFullMs: w.backMs ?? null, findings: w.findings })),
    );
    const failed = services.reduce((n, s) => n + s.traffic.reduce((m, t) => m + t.failed, 0), 0);
    const notBack = services.filter((s) => s.backToFullMs === null).map((s) => s.service);
    const lines = [
      `drill ${kind} ${target}: ${disrupted}`,
      ...services.flatMap((s) => [`  ${s.service}: back to full strength ${s.backToFullMs === null ? `not within ${seconds} s` : `in ${(s.backToFullMs / 1000).toFixed(1)} s`}`, ...s.traffic.map((t) => `    ${describe(t)}`)]),
    ];
    ctx.out.result({ type: "drill", kind, target, disrupted, services, message: lines.join("\n") });
    if (failed > 0 || notBack.length) {
      const what = [...(failed > 0 ? [`${failed} requests failed`] : []), ...(notBack.length ? [`${notBack.join(", ")} not back to full strength within ${seconds} s`] : [])].join(" and ");
      throw new DevupError("drillFailed", `drill ${kind} ${target}: ${what}`, {
        details: watched.flatMap((w) => w.findings.map((f) => f.message)),
        hint: watched.some((w) => w.findings.length) ? "the expectations above say what to change" : "dev logs and dev status say what the new pods did",
      });
    }
  } finally {
    await Promise.all(watched.flatMap((w) => w.runs.map((r) => r.stop())));
    await Promise.all(watched.map((w) => w.forward.close()));
    if (kind === "node") await cordonNode(kube, target, false).catch(() => undefined);
  }
}

/** A node drill needs the node, and somewhere else for its pods to go. */
async function nodeGuard(kube: Kube, node: string): Promise<void> {
  const nodes = await kube.core.listNode();
  const names = nodes.items.map((n) => n.metadata?.name ?? "");
  if (!names.includes(node)) throw new DevupError("usage", `the cluster has no node ${JSON.stringify(node)}`, { hint: `its nodes are ${names.join(", ")} (dev status lists them)` });
  if (names.length < 2) {
    throw new DevupError("usage", `the cluster has one node: draining it leaves nowhere for the pods to go`, { hint: "set cluster.workers: 2 in dev.yaml (the cluster is recreated) to rehearse a node failure" });
  }
}

export const drillPod = (ctx: CommandContext) => drill(ctx, "pod");
export const drillRollout = (ctx: CommandContext) => drill(ctx, "rollout");
export const drillNode = (ctx: CommandContext) => drill(ctx, "node");
