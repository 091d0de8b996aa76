import { join } from "node:path";
import type { ResolvedProject, ResolvedService } from "@devup/project";
import type { ImageRequest } from "./ports.ts";

/** What to build for a service (absolute paths), or undefined for a prebuilt image. */
export function imageRequest(project: ResolvedProject, s: ResolvedService): ImageRequest | undefined {
  if (!s.build) return undefined;
  return {
    service: s.name,
    context: join(project.root, s.build.context),
    dockerfile: join(project.root, s.build.dockerfile),
    args: s.build.args,
    target: s.build.target,
  };
}
