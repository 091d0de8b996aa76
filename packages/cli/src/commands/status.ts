/** `dev status`: what runs in the cluster for this project and environment, and where to reach it. */
import { clusterNodes, latestRevisions, listWeightedServices, liveSlot, type Deployment, type NodeView, type Revision } from "@devup/kube";
import { ANNOTATIONS, LABELS, projectSelector, splitOf } from "@devup/manifests";
import { forwardedPorts, type ResolvedProject } from "@devup/project";
import { existingCluster, projectWorkloads } from "../cluster-access.ts";
import type { CommandContext } from "../context.ts";
import { ingressLines, ingressView } from "../ingress-status.ts";
import { lockHolder } from "../preflight.ts";
import { loadValidProject } from "../project.ts";

/** The last deploy from the service's history: when, how it ended, and what triggered it ("dev up" or the changed files). */
function lastUpdate(r: Revision | undefined) {
  if (!r) return undefined;
  const shown = r.trigger.slice(0, 5);
  const trigger = r.trigger.length > shown.length ? [...shown, `… ${r.trigger.length - shown.length} more`] : shown;
  return { revision: r.revision, at: r.at, outcome: r.outcome, trigger };
}

export default async function status(ctx: CommandContext): Promise<void> {
  const project = loadValidProject(ctx);
  const kube = await existingCluster(ctx, project);
  const workloads = await projectWorkloads(kube, project);
  const history = await latestRevisions(kube, project.namespace);
  // Forwards live only inside a running `dev up`: say whether one runs, rather than list dead URLs.
  const holder = lockHolder(project);
  const forwarding = holder?.command === "dev up";
  // A manifests service's Deployment says whose it is with devup.dev/service (its own app.kubernetes.io/name may differ).
  // blueGreen and canary: the slot the Service selects is the one that serves; the other is idle, a release waiting, or a canary.
  const slots = new Map(
    await Promise.all(project.services.filter((s) => s.rollout.strategy !== "rolling").map(async (s) => [s.name, (await liveSlot(kube, project.namespace, s.name).catch(() => undefined))?.slot] as const)),
  );
  const running = new Map(
    workloads
      .filter((d) => {
        const slot = d.metadata?.labels?.[LABELS.slot];
        return slot === undefined || slot === slots.get(d.metadata?.labels?.[LABELS.name] ?? "");
      })
      .map((d) => [d.metadata?.labels?.[LABELS.service] ?? d.metadata?.labels?.[LABELS.name] ?? d.metadata?.name ?? "?", d]),
  );
  const idle = (service: string) => workloads.find((d) => d.metadata?.labels?.[LABELS.name] === service && d.metadata?.labels?.[LABELS.slot] !== undefined && d.metadata?.labels?.[LABELS.slot] !== slots.get(service));
  /** canary: the stable slot, the canary's share of the ingress traffic (its TraefikService's weights) and what the canary slot holds. */
  const canaryLine = async (live: string, other: Deployment | undefined, service: string): Promise<string> => {
    const [weighted] = await listWeightedServices(kube, project.namespace, projectSelector(project, { managed: true, service })).catch(() => []);
    const shares = weighted ? splitOf(weighted, service) : {};
    const slot = other?.metadata?.labels?.[LABELS.slot] as "blue" | "green" | undefined;
    const share = slot ? (shares[slot] ?? 0) : 0;
    if (!other || !slot || share === 0) return `canary: ${live} serves all traffic${slot ? `; ${slot} ${(other?.spec?.replicas ?? 0) === 0 ? "scaled to 0" : "idle (dev rollback switches back)"}` : ""}`;
    const ready = `${other.status?.readyReplicas ?? 0}/${other.spec?.replicas ?? 0} ready`;
    return `canary: ${slot} gets ${share} % of the ingress traffic (${ready}), ${live} ${100 - share} %${other.metadata?.annotations?.[ANNOTATIONS.promote] === "manual" ? "; dev promote moves it on, dev abort sends it back" : ""}`;
  };
  const rows = await Promise.all(project.services.map(async (s) => {
    const d = running.get(s.name);
    const ready = d?.status?.readyReplicas ?? 0;
    const desired = d?.spec?.replicas ?? 0;
    const urls = [
      ...forwardedPorts(s).map((p) => `http://127.0.0.1:${p.forward} ${forwarding ? `(forward of dev up, pid ${holder.pid})` : "(forward: not running; dev up starts it)"}`),
      ...s.forward.map((f) => `http://127.0.0.1:${f.local} ${forwarding ? `(forward of dev up, pid ${holder.pid})` : "(forward: not running; dev up starts it)"}`),
    ];
    return {
      service: s.name,
      // A manifests service without a Deployment (a chart of StatefulSets, a CRD): its last deploy says.
      state: !d ? (s.manifests && history.get(s.name) ? `applied (${history.get(s.name)!.outcome})` : "not deployed") : ready >= desired && desired > 0 ? "ready" : desired === 0 ? "scaled to 0" : "not ready",
      ready,
      desired,
      image: d?.spec?.template?.spec?.containers?.[0]?.image,
      urls,
      ...(slots.get(s.name) ? { release: s.rollout.strategy === "canary" ? await canaryLine(slots.get(s.name)!, idle(s.name), s.name) : releaseLine(slots.get(s.name)!, idle(s.name)) } : {}),
      lastUpdate: lastUpdate(history.get(s.name)),
    };
  }));
  const ingress = await ingressView(kube, project);
  const nodes = await clusterNodes(kube, project.namespace, projectSelector(project, { managed: true }), (p) => p.metadata?.labels?.[LABELS.service] ?? p.metadata?.labels?.[LABELS.name] ?? "?");
  if (ctx.out.format === "json") {
    ctx.out.result({ type: "status", project: project.name, environment: project.environment, namespace: project.namespace, context: kube.context, services: rows, ingress, nodes });
    return;
  }
  const width = Math.max(7, ...rows.map((r) => r.service.length));
  const lines = [
    `${project.name} · environment ${project.environment} · namespace ${project.namespace} · context ${kube.context}`,
    `${"SERVICE".padEnd(width)}  ${"STATE".padEnd(12)}  READY  IMAGE`,
    ...rows.map((r) => {
      const why = r.lastUpdate ? [`last update: revision ${r.lastUpdate.revision}, ${r.lastUpdate.outcome} at ${r.lastUpdate.at}, because of ${r.lastUpdate.trigger.join(", ") || "?"}`] : [];
      return `${r.service.padEnd(width)}  ${r.state.padEnd(12)}  ${`${r.ready}/${r.desired}`.padEnd(5)}  ${r.image ?? "-"}${[...(r.release ? [r.release] : []), ...r.urls, ...why].map((u) => `\n${" ".repeat(width + 2)}${u}`).join("")}`;
    }),
    ...ingressLines(ingress),
    ...nodeLines(nodes, project),
  ];
  ctx.out.result({ type: "status", message: lines.join("\n") });
}

/** blueGreen: which slot serves, and what the other one holds (idle, scaled to 0, or a release waiting for dev promote). */
function releaseLine(live: string, other: Deployment | undefined): string {
  const slot = other?.metadata?.labels?.[LABELS.slot];
  if (!other || !slot) return `blueGreen: ${live} serves`;
  const desired = other.spec?.replicas ?? 0;
  const ready = other.status?.readyReplicas ?? 0;
  const waiting = other.metadata?.annotations?.[ANNOTATIONS.promote] === "manual" && desired > 0;
  return `blueGreen: ${live} serves; ${slot} ${desired === 0 ? "scaled to 0" : `${ready}/${desired} ready, ${waiting ? "waiting for dev promote (or dev abort)" : "idle (dev rollback switches back)"}`}`;
}

/** One line per node: ready or not, its role, and which of the project's services have pods there. */
function nodeLines(nodes: NodeView[] | undefined, project: ResolvedProject): string[] {
  if (!nodes?.length) return [];
  const width = Math.max(4, ...nodes.map((n) => n.name.length));
  return [
    `${"NODE".padEnd(width)}  READY  ROLE           ${project.name.toUpperCase()} PODS`,
    ...nodes.map((n) => {
      const counts = new Map<string, number>();
      for (const p of n.pods) counts.set(p.service, (counts.get(p.service) ?? 0) + 1);
      const pods = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([s, c]) => (c > 1 ? `${s} ×${c}` : s)).join(", ");
      return `${n.name.padEnd(width)}  ${(n.ready ? "yes" : "no").padEnd(5)}  ${(n.roles.join(",") || "worker").padEnd(13)}  ${pods || "-"}`;
    }),
  ];
}
