/** `dev init`: import a compose file if there is one, else scaffold a spec from the Dockerfiles found. */
import { readdir, readFile } from "node:fs/promises";
import { basename, join, relative } from "node:path";
import { scaffoldFromDockerfiles, type FoundDockerfile } from "@devup/project";
import type { CommandContext } from "../context.ts";
import { checkGenerated, writeNewFiles } from "../files.ts";
import { findComposeFile, importComposeInto } from "./import-compose.ts";

const SKIP = new Set(["node_modules", "dist", "build", "vendor", "target", "k8s"]);
const MAX_DEPTH = 3;

async function findDockerfiles(root: string): Promise<FoundDockerfile[]> {
  const found: FoundDockerfile[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (depth < MAX_DEPTH && !e.name.startsWith(".") && !SKIP.has(e.name)) await walk(join(dir, e.name), depth + 1);
      } else if (e.isFile() && (e.name === "Dockerfile" || e.name.endsWith(".Dockerfile"))) {
        // A regular file only: a symlinked Dockerfile could point anywhere.
        const path = join(dir, e.name);
        found.push({ path: relative(root, path).split("\\").join("/"), text: await readFile(path, "utf8") });
      }
    }
  };
  await walk(root, 0);
  return found;
}

export default async function init(ctx: CommandContext): Promise<void> {
  const compose = findComposeFile(ctx.cwd);
  if (compose) {
    ctx.out.info({ type: "init", source: "compose", message: `found ${basename(compose)}: importing it` });
    await importComposeInto(ctx, [compose]);
    return;
  }
  const dockerfiles = await findDockerfiles(ctx.cwd);
  const files = scaffoldFromDockerfiles(basename(ctx.cwd), dockerfiles);
  await writeNewFiles(ctx, ctx.cwd, files, ctx.options.force === true);
  const checked = checkGenerated(ctx.cwd, files);
  for (const p of [...checked.errors, ...checked.warnings]) ctx.out.info({ type: "check", message: `  ${p}` });
  const n = files.length - 1;
  ctx.out.result({
    type: "initialized",
    services: files.slice(1).map((f) => f.path),
    message: n
      ? `created dev.yaml and ${n} service${n === 1 ? "" : "s"} from Dockerfiles; review services/*/service.yaml, then: dev up`
      : "created dev.yaml; no Dockerfile found: add services/<name>/service.yaml (see README) and then: dev up",
  });
}
