/** Loading the project for a command: diagnostics printed, a typed error when the spec is invalid. */
import { join } from "node:path";
import { hashBuildInputs, localImageRef } from "@devup/docker";
import { DevupError } from "@devup/errors";
import { formatDiagnostic, loadProject, type ResolvedProject } from "@devup/spec";
import type { CommandContext } from "./context.ts";

export function loadValidProject(ctx: CommandContext): ResolvedProject {
  const environment = typeof ctx.options.env === "string" ? ctx.options.env : undefined;
  const result = loadProject(ctx.cwd, { environment });
  ctx.out.diagnostics(result.warnings);
  if (!result.value) {
    if (ctx.out.format === "json") ctx.out.diagnostics(result.errors);
    const n = result.errors.length;
    throw new DevupError("specInvalid", `the spec has ${n} error${n === 1 ? "" : "s"}`, {
      details: ctx.out.format === "json" ? [] : result.errors.map(formatDiagnostic),
      hint: "fix the places listed above; `dev validate` checks again without doing anything else",
    });
  }
  return result.value;
}

/** Content-tagged image references: built services by the hash of their build inputs, others as given. */
export async function imageRefs(project: ResolvedProject): Promise<Record<string, string>> {
  const entries = await Promise.all(
    project.services.map(async (s): Promise<[string, string]> => {
      if (!s.build) return [s.name, s.image!];
      const hash = await hashBuildInputs({
        context: join(project.root, s.build.context),
        dockerfile: join(project.root, s.build.dockerfile),
        args: s.build.args,
        target: s.build.target,
      });
      return [s.name, localImageRef(project.name, s.name, hash)];
    }),
  );
  return Object.fromEntries(entries);
}
