/** Loading the project for a command: diagnostics printed, a typed error when the spec is invalid. */
// The hashing entry point only: the package root also loads dockerode, which render and validate do not need.
import { hashBuildInputs, localImageRef, type BuildInputs } from "@devup/docker/context";
import { DevupError } from "@devup/errors";
import { imageRequest } from "@devup/engine";
import { formatDiagnostic, loadProject, type ResolvedProject } from "@devup/project";
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

/** The content tag of an image: `devup.local/<project>-<service>:<hash of its build inputs>`. */
export async function contentTag(project: string, service: string, inputs: BuildInputs): Promise<{ hash: string; tag: string }> {
  const hash = await hashBuildInputs(inputs);
  return { hash, tag: localImageRef(project, service, hash) };
}

/** Content-tagged image references: built services by the hash of their build inputs, others as given. */
export async function imageRefs(project: ResolvedProject): Promise<Record<string, string>> {
  const entries = await Promise.all(
    project.services.map(async (s): Promise<[string, string]> => {
      const inputs = imageRequest(project, s);
      return [s.name, inputs ? (await contentTag(project.name, s.name, inputs)).tag : s.image!];
    }),
  );
  return Object.fromEntries(entries);
}
