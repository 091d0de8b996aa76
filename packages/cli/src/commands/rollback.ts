/**
 * `dev rollback SERVICE [--to N] [--list]`: redeploy a revision from the service's deploy history
 * in the cluster (its objects without the Secret: the current secrets are used), wait for the
 * rollout with its diagnosis, and report the time to ready and to serving.
 */
import { DevupError, toErrorReport } from "@devup/errors";
import { applyObjects, readHistory, recordRevision, rollbackTarget, secretDataHash, waitForObjects, waitForRollout, type Kube, type Revision } from "@devup/kube";
import { LABELS, secretName } from "@devup/manifests";
import type { ResolvedProject } from "@devup/project";
import { existingCluster } from "../cluster-access.ts";
import { secondsOption, type CommandContext } from "../context.ts";
import { loadValidProject } from "../project.ts";
import { untilServing } from "../serving.ts";

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function describeRevision(r: Revision): string {
  return `revision ${r.revision} (${r.image}, ${r.outcome}, ${r.at}, by ${r.trigger.slice(0, 3).join(", ")}${r.trigger.length > 3 ? ", …" : ""})`;
}

function historyTable(service: string, history: readonly Revision[]): string {
  const rows = history.map((r, i) => [
    `${i === history.length - 1 ? "*" : " "}${r.revision}`,
    r.at.replace(/\.\d+Z$/, "Z"),
    r.outcome,
    r.image,
    r.configHash ?? "-",
    r.trigger.slice(0, 3).join(", ") + (r.trigger.length > 3 ? `, … (${r.trigger.length} in all)` : ""),
  ]);
  const header = ["REV", "TIME", "OUTCOME", "IMAGE", "CONFIG", "TRIGGER"];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c]!))).join("  ");
  const body = rows.flatMap((row, i) => [line(row), ...(history[i]!.message ? [`   ${history[i]!.message}`] : [])]);
  return [`deploy history of ${service} (* current):`, line(header), ...body].join("\n");
}

async function currentSecret(kube: Kube, namespace: string, service: string) {
  try {
    const s = await kube.core.readNamespacedSecret({ name: secretName(service), namespace });
    return { apiVersion: "v1", kind: "Secret", metadata: { name: secretName(service), namespace }, data: s.data ?? {} };
  } catch {
    return undefined;
  }
}

function secretsLine(target: Revision, current: { data: Record<string, string> } | undefined, hashKey: string | undefined): string {
  if (!current && !target.secretHash) return "secrets: none";
  if (!current) return `secrets: revision ${target.revision} had secrets, but the Secret is gone now; run dev up to create it`;
  const now = secretDataHash(current, hashKey);
  const same = now === target.secretHash ? `the same as at revision ${target.revision}` : `they changed since revision ${target.revision}`;
  return `secrets: the current values are used (devup keeps no secret values in its history); ${same}`;
}

export async function rollback(ctx: CommandContext, project: ResolvedProject, kube: Kube, service: string, to: number | undefined, timeoutMs: number) {
  const spec = project.services.find((s) => s.name === service);
  if (!spec) throw new DevupError("usage", `no service named ${JSON.stringify(service)}`, { hint: `services: ${project.services.map((s) => s.name).join(", ")}` });
  const history = await readHistory(kube, project.namespace, service);
  const { current, target } = rollbackTarget(history, service, to);
  const secret = await currentSecret(kube, project.namespace, service);
  ctx.out.info({
    type: "rollback-plan",
    service,
    from: current.revision,
    to: target.revision,
    message: [
      `${service}: rolling back from ${describeRevision(current)}`,
      `  to ${describeRevision(target)}`,
      `  image: ${target.image}`,
      `  config: as at revision ${target.revision} (hash ${target.configHash ?? "none"})`,
      `  ${secretsLine(target, secret, project.hashKey)}`,
    ].join("\n"),
  });
  const started = Date.now();
  const trigger = [`dev rollback to ${target.revision}`];
  const labels = { [LABELS.project]: project.name, [LABELS.environment]: project.environment };
  const recorded = [...target.objects, ...(secret ? [secret] : [])];
  await applyObjects(kube, target.objects);
  let last = "";
  try {
    const progress = (summary: string) => {
      if (summary !== last) ctx.out.info({ type: "rollback-progress", service, message: `[${service}] ${(last = summary)}` });
    };
    if (spec.manifests) {
      // The user's own objects: every Deployment in them by its rollout, the rest by its status.
      await Promise.all([
        ...target.objects
          .filter((o) => o.kind === "Deployment")
          .map((d) => waitForRollout(kube, { namespace: d.metadata.namespace ?? project.namespace, name: d.metadata.name, service, timeoutMs, onProgress: (p) => progress(`Deployment ${d.metadata.name}: ${p.summary}`) })),
        waitForObjects(kube, target.objects, { timeoutMs, onProgress: progress }),
      ]);
    } else {
      await waitForRollout(kube, { namespace: project.namespace, name: service, timeoutMs, onProgress: (p) => progress(p.summary) });
    }
  } catch (error) {
    await recordRevision(kube, project.namespace, service, labels, { objects: recorded, trigger, outcome: "failed", at: new Date(), message: toErrorReport(error).message, hashKey: project.hashKey }).catch(() => undefined);
    throw error;
  }
  const readyMs = Date.now() - started;
  const revision = await recordRevision(kube, project.namespace, service, labels, { objects: recorded, trigger, outcome: "ready", at: new Date(), hashKey: project.hashKey });
  const how = await untilServing(kube, project.namespace, spec, timeoutMs);
  const servingMs = Date.now() - started;
  ctx.out.result({
    type: "rollback",
    service,
    from: current.revision,
    to: target.revision,
    revision: revision.revision,
    image: target.image,
    readyMs,
    servingMs,
    message: `${service}: rolled back to revision ${target.revision} (recorded as revision ${revision.revision}): ready in ${seconds(readyMs)}, serving in ${seconds(servingMs)} (${how})`,
  });
}

export default async function rollbackCommand(ctx: CommandContext): Promise<void> {
  const service = ctx.positionals[0];
  if (!service || ctx.positionals.length > 1) throw new DevupError("usage", "dev rollback needs one SERVICE", { hint: "dev rollback SERVICE [--to N] [--list]" });
  const toText = ctx.options.to;
  const to = typeof toText === "string" ? Number(toText) : undefined;
  if (to !== undefined && (!Number.isInteger(to) || to < 1)) throw new DevupError("usage", `--to must be a revision number, not ${JSON.stringify(toText)}`, { hint: `dev rollback ${service} --list shows them` });
  const timeout = secondsOption(ctx, "timeout", 300);
  const project = loadValidProject(ctx);
  const kube = await existingCluster(ctx, project);
  if (ctx.options.list === true) {
    const history = await readHistory(kube, project.namespace, service);
    if (!history.length) throw new DevupError("notFound", `devup has no deploy history of ${service} in namespace ${project.namespace}`, { hint: "dev up records one revision per deploy" });
    ctx.out.result({ type: "history", service, namespace: project.namespace, revisions: history.map(({ objects: _o, ...r }) => r), message: historyTable(service, history) });
    return;
  }
  await rollback(ctx, project, kube, service, to, timeout * 1000);
}
