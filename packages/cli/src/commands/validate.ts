import { DevupError } from "@devup/errors";
import { describeConflict, ingressConflicts } from "@devup/engine";
import type { CommandContext } from "../context.ts";
import { loadValidProject } from "../project.ts";

export default async function validate(ctx: CommandContext): Promise<void> {
  const project = loadValidProject(ctx);
  if (ctx.options.cluster === true && project.services.some((s) => s.ingress.length)) {
    // Routes are the one part of the spec that can collide with what other projects run on the cluster.
    // The Kubernetes client loads only here: a plain `dev validate` does not need its ~900 modules.
    const [{ listIngressRoutes }, { existingCluster }] = await Promise.all([import("@devup/kube"), import("../cluster-access.ts")]);
    const conflicts = ingressConflicts(project, await listIngressRoutes(await existingCluster(ctx, project)));
    if (conflicts.length) {
      const lines = conflicts.map((c) => describeConflict(c, project.services.find((s) => s.name === c.service)?.specFile ?? "its service.yaml"));
      throw new DevupError("cluster", `${conflicts.length} ingress route${conflicts.length === 1 ? " is" : "s are"} claimed by another namespace on cluster ${project.cluster.name}`, { details: lines });
    }
  }
  const n = project.services.length;
  ctx.out.result({
    type: "valid",
    project: project.name,
    environment: project.environment,
    services: project.services.map((s) => s.name),
    message: `${project.name}: spec is valid (${n} service${n === 1 ? "" : "s"}, environment ${project.environment}, namespace ${project.namespace})${ctx.options.cluster === true ? `; no ingress route conflicts on cluster ${project.cluster.name}` : ""}`,
  });
}
