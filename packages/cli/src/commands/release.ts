/**
 * The manual gate of a blueGreen release (rollout.promote: manual): `dev promote SERVICE` switches the
 * Service to the release waiting in the idle slot once it is ready; `dev abort SERVICE` scales that
 * release to 0, and traffic stays where it is.
 */
import { DevupError } from "@devup/errors";
import { deploymentStrength, liveSlot, scaleSlot, selectSlot, type Kube } from "@devup/kube";
import { otherSlot, type Slot } from "@devup/manifests";
import type { ResolvedProject, ResolvedService } from "@devup/project";
import { existingCluster } from "../cluster-access.ts";
import type { CommandContext } from "../context.ts";
import { loadValidProject } from "../project.ts";

async function gate(ctx: CommandContext): Promise<{ project: ResolvedProject; service: ResolvedService; kube: Kube; live: Slot; idle: Slot }> {
  const project = loadValidProject(ctx);
  const name = ctx.positionals[0];
  const service = project.services.find((s) => s.name === name);
  if (!service) throw new DevupError("usage", `no service is named ${JSON.stringify(name)}`, { hint: `the services are ${project.services.map((s) => s.name).join(", ")}` });
  if (service.rollout.strategy !== "blueGreen") {
    throw new DevupError("usage", `${service.name} is released with strategy ${service.rollout.strategy}: there is no second version to promote or abort`, { hint: `set rollout: { strategy: blueGreen } in ${service.specFile}` });
  }
  const kube = await existingCluster(ctx, project);
  const live = await liveSlot(kube, project.namespace, service.name);
  if (!live) throw new DevupError("notFound", `${service.name} is not deployed in namespace ${project.namespace}`, { hint: "dev up first" });
  return { project, service, kube, live: live.slot, idle: otherSlot(live.slot) };
}

export async function promote(ctx: CommandContext): Promise<void> {
  const { project, service, kube, live, idle } = await gate(ctx);
  const waiting = await deploymentStrength(kube, project.namespace, `${service.name}-${idle}`).catch(() => undefined);
  if (!waiting || waiting.desired === 0 || !waiting.full) {
    throw new DevupError("rollout", `${service.name}: no release is ready in ${idle} (${waiting ? `${waiting.ready}/${waiting.desired} ready` : "no Deployment"}); ${live} keeps serving`, {
      hint: "dev up (or a saved change) releases a new version to it; dev status shows its state",
    });
  }
  await selectSlot(kube, project.namespace, service.name, idle);
  ctx.out.result({ type: "promote", service: service.name, from: live, to: idle, message: `${service.name}: switched the traffic from ${live} to ${idle} (${live} stays up, idle)` });
}

export async function abort(ctx: CommandContext): Promise<void> {
  const { project, service, kube, live, idle } = await gate(ctx);
  await scaleSlot(kube, project.namespace, service.name, idle, 0);
  ctx.out.result({ type: "abort", service: service.name, slot: idle, message: `${service.name}: scaled the release in ${idle} to 0; ${live} keeps serving` });
}
