/**
 * The manual gate of a blueGreen or canary release (rollout.promote: manual). blueGreen: `dev promote
 * SERVICE` switches the Service to the release waiting in the idle slot once it is ready; `dev abort
 * SERVICE` scales that release to 0, and traffic stays where it is. canary: `dev promote` checks the
 * canary (verify:) and moves it to the next step of ingress traffic (at 100 the Service switches too);
 * `dev abort` sends all traffic back to the stable version and scales the canary to 0.
 */
import { DevupError, errorMessage } from "@devup/errors";
import { applyObjects, checkService, deploymentStrength, listWeightedServices, liveSlot, scaleSlot, selectSlot, type Kube } from "@devup/kube";
import { ANNOTATIONS, otherSlot, projectSelector, slotDeploymentName, slotServiceName, splitOf, splitTraffic, type Slot } from "@devup/manifests";
import type { ResolvedProject, ResolvedService } from "@devup/project";
import { existingCluster } from "../cluster-access.ts";
import type { CommandContext } from "../context.ts";
import { loadValidProject } from "../project.ts";

interface Gate {
  project: ResolvedProject;
  service: ResolvedService;
  kube: Kube;
  live: Slot;
  idle: Slot;
}

async function gate(ctx: CommandContext): Promise<Gate> {
  const project = loadValidProject(ctx);
  const name = ctx.positionals[0];
  const service = project.services.find((s) => s.name === name);
  if (!service) throw new DevupError("usage", `no service is named ${JSON.stringify(name)}`, { hint: `the services are ${project.services.map((s) => s.name).join(", ")}` });
  if (service.rollout.strategy === "rolling") {
    throw new DevupError("usage", `${service.name} is released with strategy ${service.rollout.strategy}: there is no second version to promote or abort`, {
      hint: `set rollout: { strategy: blueGreen } (or canary) in ${service.specFile}`,
    });
  }
  const kube = await existingCluster(ctx, project);
  const live = await liveSlot(kube, project.namespace, service.name);
  if (!live) throw new DevupError("notFound", `${service.name} is not deployed in namespace ${project.namespace}`, { hint: "dev up first" });
  return { project, service, kube, live: live.slot, idle: otherSlot(live.slot) };
}

/** The release waiting in the idle slot, ready: or a DevupError saying what it holds. */
async function waiting(g: Gate): Promise<void> {
  const { project, service, kube, live, idle } = g;
  const strength = await deploymentStrength(kube, project.namespace, slotDeploymentName(service.name, idle)).catch(() => undefined);
  if (!strength || strength.desired === 0 || !strength.full) {
    throw new DevupError("rollout", `${service.name}: no release is ready in ${idle} (${strength ? `${strength.ready}/${strength.desired} ready` : "no Deployment"}); ${live} keeps serving`, {
      hint: "dev up (or a saved change) releases a new version to it; dev status shows its state",
    });
  }
}

export async function promote(ctx: CommandContext): Promise<void> {
  const g = await gate(ctx);
  await waiting(g);
  const { project, service, kube, live, idle } = g;
  if (service.rollout.strategy === "canary") return promoteCanary(ctx, g);
  await selectSlot(kube, project.namespace, service.name, idle);
  ctx.out.result({ type: "promote", service: service.name, from: live, to: idle, message: `${service.name}: switched the traffic from ${live} to ${idle} (${live} stays up, idle)` });
}

/** The service's TraefikServices, and the canary's share of the ingress traffic now. */
async function split(g: Gate) {
  const objects = await listWeightedServices(g.kube, g.project.namespace, projectSelector(g.project, { managed: true, service: g.service.name }));
  if (!objects.length) throw new DevupError("notFound", `${g.service.name}: no TraefikService routes its ingress traffic in namespace ${g.project.namespace}`, { hint: "dev up deploys it (a canary needs ingress: routes)" });
  return { objects, weight: splitOf(objects[0]!, g.service.name)[g.idle] ?? 0 };
}

/** canary: check the canary, then the next step of its steps (the steps and the check as its Deployment carries them). */
async function promoteCanary(ctx: CommandContext, g: Gate): Promise<void> {
  const { project, service, kube, live, idle } = g;
  const { objects, weight } = await split(g);
  const deployment = await kube.apps.readNamespacedDeployment({ name: slotDeploymentName(service.name, idle), namespace: project.namespace });
  const annotations = deployment.metadata?.annotations ?? {};
  const steps = (annotations[ANNOTATIONS.steps] ?? "100").split(",").map(Number);
  const next = steps.find((w) => w > weight) ?? 100;
  const verify = annotations[ANNOTATIONS.verify]?.split(" ");
  if (verify?.length === 2) {
    try {
      await checkService(kube, project.namespace, slotServiceName(service.name, idle), verify[0]!, verify[1]!);
    } catch (error) {
      await abortCanary(g, objects);
      throw new DevupError("rollout", `${service.name}: the canary (${idle}) failed its check GET ${verify[1]} before the ${next} % step: ${errorMessage(error)}; all traffic is back on ${live} and ${idle} was scaled to 0`, {
        hint: "fix it and save (or dev up): the next release goes to the same slot again",
      });
    }
  }
  await applyObjects(kube, splitTraffic(objects, service.name, { stable: live, canary: idle, weight: next }));
  if (next === 100) await selectSlot(kube, project.namespace, service.name, idle);
  const then = steps.find((w) => w > next);
  const message =
    next === 100
      ? `${service.name}: ${idle} takes all the traffic (the Service switched to it); ${live} stays up, idle`
      : `${service.name}: ${idle} gets ${next} % of the ingress traffic, ${live} ${100 - next} %; dev promote ${service.name} moves it to ${then} %`;
  ctx.out.result({ type: "promote", service: service.name, from: live, to: idle, weight: next, message });
}

async function abortCanary(g: Gate, objects: Parameters<typeof splitTraffic>[0]): Promise<void> {
  await applyObjects(g.kube, splitTraffic(objects, g.service.name, { stable: g.live, canary: g.idle, weight: 0 }));
  await scaleSlot(g.kube, g.project.namespace, g.service.name, g.idle, 0);
}

export async function abort(ctx: CommandContext): Promise<void> {
  const g = await gate(ctx);
  const { service, live, idle } = g;
  if (service.rollout.strategy === "canary") {
    await abortCanary(g, (await split(g)).objects);
    ctx.out.result({ type: "abort", service: service.name, slot: idle, message: `${service.name}: all ingress traffic back on ${live}; scaled the canary in ${idle} to 0` });
    return;
  }
  await scaleSlot(g.kube, g.project.namespace, service.name, idle, 0);
  ctx.out.result({ type: "abort", service: service.name, slot: idle, message: `${service.name}: scaled the release in ${idle} to 0; ${live} keeps serving` });
}
