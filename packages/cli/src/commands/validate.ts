import type { CommandContext } from "../context.ts";
import { loadValidProject } from "../project.ts";

export default async function validate(ctx: CommandContext): Promise<void> {
  const project = loadValidProject(ctx);
  const n = project.services.length;
  ctx.out.result({
    type: "valid",
    project: project.name,
    environment: project.environment,
    services: project.services.map((s) => s.name),
    message: `${project.name}: spec is valid (${n} service${n === 1 ? "" : "s"}, environment ${project.environment}, namespace ${project.namespace})`,
  });
  await Promise.resolve();
}
