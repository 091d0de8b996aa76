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
    secrets: buildSecrets(s),
  };
}

/** The service's secrets as BuildKit build secrets: each env-file key and each secret file by its key. */
function buildSecrets(s: ResolvedService): Record<string, string> | undefined {
  if (!s.secrets) return undefined;
  const out: Record<string, string> = { ...s.secrets.values };
  for (const [key, file] of Object.entries(s.secrets.files)) out[key] = file.content;
  return Object.keys(out).length > 0 ? out : undefined;
}
