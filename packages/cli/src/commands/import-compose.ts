/** `dev import compose [FILE]`: docker-compose.yml → dev.yaml + services/<name>/service.yaml. */
import { existsSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { DevupError } from "@devup/errors";
import { formatDiagnostic, importCompose, readSourceFile } from "@devup/project";
import type { CommandContext } from "../context.ts";
import { checkGenerated, writeNewFiles } from "../files.ts";

export const COMPOSE_FILES = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];

export function findComposeFile(dir: string): string | undefined {
  return COMPOSE_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
}

export async function importComposeInto(ctx: CommandContext, file: string): Promise<void> {
  const root = ctx.cwd;
  const path = relative(root, file).split("\\").join("/");
  const { value, errors } = importCompose(readSourceFile(file, path), basename(root));
  if (!value) {
    ctx.out.diagnostics(ctx.out.format === "json" ? errors : []);
    throw new DevupError("composeInvalid", `${path} is not a valid compose file (${errors.length} problem${errors.length === 1 ? "" : "s"}); nothing was written`, {
      details: ctx.out.format === "json" ? [] : errors.map(formatDiagnostic),
      hint: "fix the compose file (it is checked against the compose-spec schema), then import again",
    });
  }
  await writeNewFiles(ctx, root, value.files, ctx.options.force === true);
  if (value.notes.length) {
    ctx.out.info({ type: "report", message: `\nNot carried over from ${path} (${value.notes.length}):` });
    ctx.out.diagnostics(value.notes);
  }
  const problems = checkGenerated(root, value.files);
  if (problems.length) {
    ctx.out.info({ type: "report", message: "\nThe imported spec needs attention before `dev up`:" });
    for (const p of problems) ctx.out.info({ type: "check", message: `  ${p}` });
  }
  ctx.out.result({
    type: "imported",
    project: value.projectName,
    services: value.services,
    notCarried: value.notes.length,
    message: `imported ${value.services.length} service${value.services.length === 1 ? "" : "s"} (${value.services.join(", ")}) into dev.yaml and services/*/service.yaml; next: dev up`,
  });
}

export default async function importComposeCommand(ctx: CommandContext): Promise<void> {
  const given = ctx.positionals[0];
  const file = given ? resolve(ctx.cwd, given) : findComposeFile(ctx.cwd);
  if (!file || !existsSync(file)) {
    throw new DevupError("notFound", given ? `compose file ${given} not found` : `no compose file in ${ctx.cwd}`, {
      hint: `pass its path: dev import compose path/to/docker-compose.yml (looked for ${COMPOSE_FILES.join(", ")})`,
    });
  }
  await importComposeInto(ctx, file);
}
