/**
 * What `dev env clone` and `dev env promote` share: the images an environment runs, the plan
 * printed before anything changes, the confirmation, and the deploy of pinned images.
 */
import { createInterface } from "node:readline/promises";
import { clusterProvider } from "@devup/cluster";
import { DevupError, isDevupError } from "@devup/errors";
import { up } from "@devup/engine";
import type { Kube } from "@devup/kube";
import { LABELS } from "@devup/manifests";
import type { ResolvedProject } from "@devup/project";
import { existingCluster, projectWorkloads } from "./cluster-access.ts";
import type { CommandContext } from "./context.ts";
import { attachPrinter } from "./printer.ts";
import { loadValidProject } from "./project.ts";
import { startSession } from "./session.ts";

export function loadEnvironment(ctx: CommandContext, environment: string): ResolvedProject {
  return loadValidProject({ ...ctx, options: { ...ctx.options, env: environment } });
}

/** The two environment names of `dev env clone|promote FROM TO`. */
export function fromTo(ctx: CommandContext, command: string): { from: string; to: string } {
  const [from, to, ...rest] = ctx.positionals;
  if (!from || !to || rest.length) throw new DevupError("usage", `dev env ${command} needs two environments: FROM and TO`, { hint: `dev env ${command} FROM TO [--yes]` });
  if (from === to) throw new DevupError("usage", `FROM and TO are both ${JSON.stringify(from)}`, { hint: "name two different environments" });
  return { from, to };
}

/** The exact image reference each service's Deployment runs in the environment's namespace. */
async function runningImages(kube: Kube, project: ResolvedProject): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const d of await projectWorkloads(kube, project)) {
    const service = d.metadata?.labels?.[LABELS.name];
    const image = d.spec?.template.spec?.containers[0]?.image;
    if (service && image) out.set(service, image);
  }
  return out;
}

/** The images FROM runs for every service of TO's spec; refuses when one is not running there. */
export async function sourceImages(ctx: CommandContext, from: ResolvedProject, to: ResolvedProject): Promise<Record<string, string>> {
  const running = await runningImages(await existingCluster(ctx, from), from);
  const missing = to.services.filter((s) => !running.has(s.name)).map((s) => s.name);
  if (missing.length) {
    throw new DevupError("notFound", `environment ${from.environment} (namespace ${from.namespace}) runs no ${missing.join(", ")}: there is no image to take from it`, {
      hint: `deploy it there first: dev up --env ${from.environment} --no-forward`,
    });
  }
  return Object.fromEntries(to.services.map((s) => [s.name, running.get(s.name)!]));
}

/** What TO runs now; an absent cluster or namespace runs nothing. The context guard still applies. */
async function currentImages(ctx: CommandContext, to: ResolvedProject): Promise<Map<string, string>> {
  try {
    return await runningImages(await existingCluster(ctx, to), to);
  } catch (error) {
    if (isDevupError(error) && (error.kind === "notFound" || error.kind === "cluster")) return new Map();
    throw error;
  }
}

export async function imagePlan(ctx: CommandContext, to: ResolvedProject, images: Readonly<Record<string, string>>): Promise<string[]> {
  const now = await currentImages(ctx, to);
  const where = clusterProvider(to.cluster.provider).describe(to.cluster);
  return [
    `deploy into environment ${to.environment}: namespace ${to.namespace}, ${where}`,
    ...to.services.map((s) => {
      const current = now.get(s.name);
      const next = images[s.name]!;
      return `  ${s.name}: ${current === next ? `${next} (unchanged)` : `${current ?? "not deployed"} → ${next}`}`;
    }),
  ];
}

/** `--yes`, or a y/N answer in a terminal; outside one (CI, no stdin) a refusal with a hint. */
export async function confirm(ctx: CommandContext, what: string): Promise<void> {
  if (ctx.options.yes === true) return;
  if (!ctx.interactive) {
    throw new DevupError("usage", `not changing anything without --yes: there is no terminal to ask whether to ${what}`, {
      hint: "read the plan above, then run the same command with --yes",
    });
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${what}? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new DevupError("usage", "nothing changed (not confirmed)");
  } finally {
    rl.close();
  }
}

/** Deploys TO's spec with the given image references (no builds), waits until ready, prints a summary. */
export async function deployImages(ctx: CommandContext, to: ResolvedProject, images: Readonly<Record<string, string>>, trigger: string): Promise<void> {
  const { connection, store } = await startSession(ctx, to);
  attachPrinter(store, ctx.out);
  const started = Date.now();
  const result = await up(to, connection.ports, store, { forward: false, images, trigger: [trigger] });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  ctx.out.result({
    type: "summary",
    ready: result.ready,
    failed: result.failed,
    durationMs: Date.now() - started,
    message: `${result.ready.length}/${to.services.length} services ready in ${seconds} s in environment ${to.environment} (namespace ${to.namespace})`,
  });
  if (result.failed.length) {
    throw new DevupError("rollout", `${result.failed.length} of ${to.services.length} services did not become ready in ${to.environment}: ${result.failed.join(", ")}`, {
      hint: `the reasons are above; dev rollback SERVICE --env ${to.environment} returns a service to its previous revision there`,
    });
  }
}
