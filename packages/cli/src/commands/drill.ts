/**
 * `dev drill pod|rollout SERVICE`: rehearse what production does to a service — a serving pod
 * deleted, a rolling restart — while bounded traffic (127.0.0.1 only) goes through a forward of its
 * own and through the ingress, and report per path: requests, failures, the longest gap, and the
 * time until the service is back to full strength. Unmet expectations (one replica, no readiness
 * probe, no PodDisruptionBudget) are said with the spec line to change.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DevupError, errorMessage } from "@devup/errors";
import { budgetCovers, deleteServingPod, deploymentStrength, forwardService, restartDeployment, type Kube } from "@devup/kube";
import { projectSelector } from "@devup/manifests";
import type { ResolvedProject, ResolvedService } from "@devup/project";
import { existingCluster } from "../cluster-access.ts";
import { secondsOption, type CommandContext } from "../context.ts";
import { drillFindings, type Finding } from "../drill/expectations.ts";
import { startTraffic, type TrafficResult, type TrafficRun } from "../drill/traffic.ts";
import { ingressView } from "../ingress-status.ts";
import { loadValidProject } from "../project.ts";

type Kind = "pod" | "rollout";

function serviceOf(ctx: CommandContext, project: ResolvedProject): ResolvedService {
  const name = ctx.positionals[0];
  const service = project.services.find((s) => s.name === name);
  if (!service) throw new DevupError("usage", `no service is named ${JSON.stringify(name)}`, { hint: `the services are ${project.services.map((s) => s.name).join(", ")}` });
  if (service.manifests) throw new DevupError("usage", `${service.name} deploys its own manifests: dev drill rehearses services devup generates`, { hint: "drill one of the others, or use kubectl delete pod / kubectl rollout restart" });
  return service;
}

async function disrupt(kube: Kube, project: ResolvedProject, service: ResolvedService, kind: Kind): Promise<string> {
  if (kind === "rollout") {
    await restartDeployment(kube, project.namespace, service.name);
    return `restarted every pod of ${service.name} (a rolling restart)`;
  }
  const victim = await deleteServingPod(kube, project.namespace, projectSelector(project, { service: service.name }));
  if (!victim) throw new DevupError("drillFailed", `${service.name} has no ready pod to delete`, { hint: "dev up first, then dev status shows when it is ready" });
  return `deleted the serving pod ${victim}`;
}

const describe = (t: TrafficResult) => `${t.via} ${t.url}: ${t.requests} requests, ${t.failed} failed${t.errors.length ? ` (${t.errors.join("; ")})` : ""}, longest gap ${t.longestGapMs} ms`;

async function drill(ctx: CommandContext, kind: Kind): Promise<void> {
  const project = loadValidProject(ctx);
  const service = serviceOf(ctx, project);
  const seconds = secondsOption(ctx, "seconds", 60);
  const maxRequests = Number(ctx.options.requests ?? 3000);
  if (!Number.isInteger(maxRequests) || maxRequests <= 0) throw new DevupError("usage", `--requests must be a whole number above 0, not ${JSON.stringify(ctx.options.requests)}`, { hint: "for example --requests 3000" });
  const kube = await existingCluster(ctx, project);
  const before = await deploymentStrength(kube, project.namespace, service.name).catch((error: unknown) => {
    throw new DevupError("drillFailed", `${service.name} is not deployed in namespace ${project.namespace} (${errorMessage(error)})`, { hint: "dev up (or dev apply) first" });
  });
  if (!before.full) throw new DevupError("drillFailed", `${service.name} is not at full strength (${before.ready}/${before.desired} ready): a drill starts from a healthy service`, { hint: "dev status says why; wait, or fix it first" });

  const specText = readFileSync(join(project.root, service.specFile), "utf8");
  const findings: Finding[] = drillFindings(service, specText, await budgetCovers(kube, project.namespace, projectSelector(project, { service: service.name })).catch(() => false));
  for (const f of findings) ctx.out.info({ type: "drill.finding", service: service.name, expectation: f.expectation, message: `expectation: ${f.message}` });

  // Traffic: through a forward of the drill's own (any free port) and through each ingress route.
  // Its HTTP health check's port and path when it has one (an answer that says the service is up), else the first port's /.
  const check = service.health?.check;
  const port = check?.kind === "http" ? check.port : service.ports[0]?.name;
  if (!port) throw new DevupError("usage", `${service.name} has no ports: there is nothing to send traffic to`, { hint: `add ports: to ${service.specFile}` });
  const forward = await forwardService(kube, { namespace: project.namespace, service: service.name, port, localPort: 0 });
  const runs: TrafficRun[] = [];
  const limits = { maxRequests, maxMs: seconds * 1000 };
  const healthPath = check?.kind === "http" ? check.path : "/";
  try {
    runs.push(startTraffic({ via: "forward", port: forward.localPort, path: healthPath }, limits));
    const ingress = await ingressView(kube, project);
    if (ingress.controller === "ready" || ingress.controller === "external") {
      for (const r of ingress.routes.filter((x) => x.service === service.name)) {
        const url = new URL(r.url);
        if (url.hostname === "localhost" || url.hostname.endsWith(".localhost") || url.hostname === "127.0.0.1") {
          runs.push(startTraffic({ via: "ingress", port: Number(url.port || 80), path: url.pathname, host: url.hostname }, limits));
        }
      }
    }
    // A moment of traffic before the disruption: failures then are not the drill's.
    await new Promise((r) => setTimeout(r, 1000));
    const started = Date.now();
    const disrupted = await disrupt(kube, project, service, kind);
    ctx.out.info({ type: "drill.disrupted", service: service.name, message: `drill: ${disrupted}; sending traffic until it is back to full strength (at most ${seconds} s)` });
    let backMs: number | undefined;
    while (Date.now() - started < seconds * 1000) {
      await new Promise((r) => setTimeout(r, 250));
      const now = await deploymentStrength(kube, project.namespace, service.name);
      // The controllers need a moment to see the change: full strength counts from 2 s on.
      if (now.full && Date.now() - started > 2000) {
        backMs = Date.now() - started;
        break;
      }
    }
    // A little traffic after, to see the new pods answer.
    if (backMs !== undefined) await new Promise((r) => setTimeout(r, 1500));
    const traffic = await Promise.all(runs.map((r) => r.stop()));
    const failed = traffic.reduce((n, t) => n + t.failed, 0);
    const lines = [`drill ${kind} ${service.name}: ${disrupted}`, ...traffic.map((t) => `  ${describe(t)}`), `  back to full strength: ${backMs === undefined ? `not within ${seconds} s` : `${(backMs / 1000).toFixed(1)} s`}`];
    ctx.out.result({ type: "drill", kind, service: service.name, disrupted, traffic, backToFullMs: backMs ?? null, findings, message: lines.join("\n") });
    if (failed > 0 || backMs === undefined) {
      throw new DevupError("drillFailed", `drill ${kind} ${service.name}: ${failed > 0 ? `${failed} requests failed` : ""}${failed > 0 && backMs === undefined ? " and " : ""}${backMs === undefined ? `not back to full strength within ${seconds} s` : ""}`, {
        details: findings.map((f) => f.message),
        hint: findings.length ? "the expectations above say what to change" : "dev logs and dev status say what the new pods did",
      });
    }
  } finally {
    await Promise.all(runs.map((r) => r.stop()));
    await forward.close();
  }
}

export const drillPod = (ctx: CommandContext) => drill(ctx, "pod");
export const drillRollout = (ctx: CommandContext) => drill(ctx, "rollout");
