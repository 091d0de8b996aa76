/**
 * `dev rollback SERVICE [--to N] [--list]`: redeploy a revision from the service's deploy history
 * in the cluster (its objects without the Secret: the current secrets are used) through the engine
 * (apply, wait with its diagnosis, record as "dev rollback to N"), and report the time to ready and to serving.
 */
import { initialState, redeploy, Store } from "@devup/engine";
import { DevupError } from "@devup/errors";
import { readHistory, rollbackTarget, secretDataHash, type Kube, type Revision } from "@devup/kube";
import { secretName } from "@devup/manifests";
import type { ResolvedProject } from "@devup/project";
import { connect } from "../adapters.ts";
import { allowedContexts, existingCluster } from "../cluster-access.ts";
import { secondsOption, type CommandContext } from "../context.ts";
import { attachPrinter } from "../printer.ts";
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
  // The deploy itself is the engine's (apply, wait, record with its trigger); its progress goes through the Store.
  const { ports } = connect(project, { tools: {}, allowContexts: allowedContexts(ctx), rolloutTimeoutMs: timeoutMs, kube });
  const store = new Store(initialState(project.name, project.environment, project.namespace, project.cluster.name, project.services));
  attachPrinter(store, ctx.out);
  const recorded = await redeploy(ports, store, {
    namespace: project.namespace,
    service,
    objects: target.objects,
    record: [...target.objects, ...(secret ? [secret] : [])],
    trigger: [`dev rollback to ${target.revision}`],
    // A manifests service's own objects: every Deployment by its rollout, the rest by its status.
    own: spec.manifests !== undefined,
  });
  const readyMs = Date.now() - started;
  const how = await untilServing(kube, project.namespace, spec, timeoutMs);
  const servingMs = Date.now() - started;
  ctx.out.result({
    type: "rollback",
    service,
    from: current.revision,
    to: target.revision,
    revision: recorded,
    image: target.image,
    readyMs,
    servingMs,
    serving: how,
    message: `${service}: rolled back to revision ${target.revision} (${recorded === undefined ? "not recorded in the history" : `recorded as revision ${recorded}`}): ready in ${seconds(readyMs)}, serving in ${seconds(servingMs)} (${how})`,
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
