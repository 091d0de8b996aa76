/** `dev import compose [FILE|DIR]...`: compose files → dev.yaml + services/<name>/service.yaml. */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { DevupError } from "@devup/errors";
import { formatDiagnostic, importCompose, readSourceFile, COMPOSE_OVERRIDE_FILES } from "@devup/project";
import type { CommandContext } from "../context.ts";
import { checkGenerated, writeNewFiles } from "../files.ts";

export const COMPOSE_FILES = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];

export function findComposeFile(dir: string): string | undefined {
  return COMPOSE_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
}

/** Imports `files` (merged in order, as `docker compose -f a -f b`); one default file also brings its override file. */
/** EXPOSE ports of the images the local Docker engine has (none when it is not reachable within a second). */
async function localImagePorts(images: readonly string[]): Promise<Map<string, Array<{ port: number; protocol: "TCP" | "UDP" }>>> {
  const found = new Map<string, Array<{ port: number; protocol: "TCP" | "UDP" }>>();
  const { connectDocker, pingDocker } = await import("@devup/docker");
  const docker = connectDocker();
  try {
    await pingDocker(docker, 1000);
  } catch {
    return found;
  }
  for (const image of images) {
    const info = await docker.getImage(image).inspect().catch(() => undefined);
    const exposed = Object.keys((info?.Config as { ExposedPorts?: Record<string, unknown> } | undefined)?.ExposedPorts ?? {});
    const ports = exposed.flatMap((key) => {
      const m = /^(\d+)(?:\/(tcp|udp))?$/.exec(key);
      return m ? [{ port: Number(m[1]), protocol: m[2] === "udp" ? ("UDP" as const) : ("TCP" as const) }] : [];
    });
    if (ports.length) found.set(image, ports);
  }
  return found;
}

export async function importComposeInto(ctx: CommandContext, files: string[]): Promise<void> {
  const root = ctx.cwd;
  const rel = (f: string) => relative(root, f).split("\\").join("/");
  const paths = files.map(rel);
  if (files.length === 1) {
    const override = COMPOSE_OVERRIDE_FILES[basename(files[0]!)];
    const overridePath = override === undefined ? undefined : join(files[0]!, "..", override);
    if (overridePath && existsSync(overridePath)) {
      paths.push(rel(overridePath));
      ctx.out.info({ type: "report", message: `merging ${rel(overridePath)} over ${paths[0]} (compose's default override file)` });
    }
  }
  const readFile = (p: string) => {
    try {
      return readFileSync(join(root, p), "utf8");
    } catch {
      return undefined;
    }
  };
  // Compose files themselves: hostile ones (huge, binary, UTF-16, not UTF-8) are errors naming the file.
  const readSource = (p: string) => {
    try {
      return readSourceFile(join(root, p), p);
    } catch {
      return undefined;
    }
  };
  const sources = { files: paths, readFile, readSource, env: process.env };
  let { value, errors } = importCompose(sources, basename(root));
  // Services others reach whose ports nothing told: the EXPOSE lines of their images, where Docker has them.
  const imagePorts = value?.imagesToInspect.length ? await localImagePorts(value.imagesToInspect) : undefined;
  if (imagePorts?.size) ({ value, errors } = importCompose({ ...sources, imagePorts }, basename(root)));
  const list = paths.join(", ");
  if (!value) {
    ctx.out.diagnostics(ctx.out.format === "json" ? errors : []);
    throw new DevupError("composeInvalid", `${list} ${paths.length === 1 ? "is not a valid compose file" : "do not form a valid compose project"} (${errors.length} problem${errors.length === 1 ? "" : "s"}); nothing was written`, {
      details: ctx.out.format === "json" ? [] : errors.map(formatDiagnostic),
      hint: "fix the compose file (it is checked against the compose-spec schema), then import again",
    });
  }
  await writeNewFiles(ctx, root, value.files, ctx.options.force === true);
  if (value.notes.length) {
    ctx.out.info({ type: "report", message: `\nNot carried over as is from ${list} (${value.notes.length}):` });
    ctx.out.diagnostics(value.notes);
  }
  const problems = checkGenerated(root, value.files);
  if (problems.errors.length || problems.warnings.length) {
    ctx.out.info({ type: "report", message: "\nThe imported spec needs attention before `dev up`:" });
    for (const p of [...problems.errors, ...problems.warnings]) ctx.out.info({ type: "check", message: `  ${p}` });
  }
  if (problems.errors.length) {
    throw new DevupError("specInvalid", `the imported spec does not validate (${problems.errors.length} error${problems.errors.length === 1 ? "" : "s"}); the files were written`, {
      hint: "fix the errors listed above in services/*/service.yaml, then run: dev validate",
    });
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
  const given = ctx.positionals.length ? ctx.positionals : [undefined];
  const files = given.map((g) => {
    const path = g === undefined ? ctx.cwd : resolve(ctx.cwd, g);
    const found = existsSync(path) && statSync(path).isDirectory() ? findComposeFile(path) : existsSync(path) ? path : undefined;
    if (!found) {
      throw new DevupError("notFound", g === undefined ? `no compose file in ${ctx.cwd}` : existsSync(path) ? `no compose file in ${g}` : `compose file ${g} not found`, {
        hint: `pass its path: dev import compose path/to/docker-compose.yml (looked for ${COMPOSE_FILES.join(", ")})`,
      });
    }
    return found;
  });
  await importComposeInto(ctx, files);
}
