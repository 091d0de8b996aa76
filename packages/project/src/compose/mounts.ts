/**
 * configs, secrets and volumes → devup config and secret files. Each file is mounted on its own at
 * its target path (a config at /etc/nginx/nginx.conf leaves the image's /etc/nginx/mime.types in
 * place); a single file bind-mounted from the project is carried as a config file the same way.
 */
import { posix } from "node:path";
import type { ComposeService } from "./files.ts";
import type { ServiceContext } from "./service.ts";

type Ref = string | { source: string; target?: string; mode?: number | string; uid?: string; gid?: string };

export interface Mounts {
  /** Config files: absolute target path → path relative to the service's folder. */
  configFiles: Record<string, string>;
  secretFiles: Record<string, string>;
}

export function serviceMounts(svc: ComposeService, ctx: ServiceContext, fromRoot: (p: string) => string): Mounts {
  const configFiles: Record<string, string> = {};
  const secretFiles: Record<string, string> = {};
  const refs = (kind: "configs" | "secrets", into: Record<string, string>) => {
    const defs = kind === "configs" ? ctx.configs : ctx.secrets;
    ((svc[kind] ?? []) as Ref[]).forEach((ref, i) => {
      const source = typeof ref === "string" ? ref : ref.source;
      const file = defs[source]?.file;
      if (!file) return ctx.note([kind, i], `not carried: ${kind} ${JSON.stringify(source)} is not a file (external, environment or inline content); add it under ${kind === "configs" ? "config" : "secrets"}.files yourself`);
      const given = typeof ref === "object" ? ref.target : undefined;
      const target = given?.startsWith("/") ? given : kind === "secrets" ? `/run/secrets/${given ?? source}` : `/${given ?? source}`;
      if (typeof ref === "object" && (ref.uid !== undefined || ref.gid !== undefined)) ctx.note([kind, i], "not carried: uid/gid of the mounted file (Kubernetes sets them from the pod's fsGroup)");
      if (typeof ref === "object" && ref.mode !== undefined) ctx.note([kind, i, "mode"], "not carried: the file is mounted read-only with mode 0644");
      into[target] = fromRoot(file);
    });
  };
  refs("configs", configFiles);
  refs("secrets", secretFiles);

  ((svc.volumes ?? []) as Array<string | { type?: string; source?: string; target?: string }>).forEach((v, i) => {
    const m = typeof v === "string" ? shortVolume(v) : { type: v.type ?? "volume", source: v.source, target: v.target };
    const path = ["volumes", i];
    if (m.type === "bind" && m.source && m.target && !m.source.startsWith("/") && !m.source.startsWith("~")) {
      const file = posix.normalize(posix.join(ctx.composeDir, m.source));
      if (!file.startsWith("../") && ctx.readFile(file) !== undefined) {
        configFiles[m.target] = fromRoot(file);
        return ctx.note(path, `carried as a config file: ${m.source} is mounted at ${m.target} (read-only; edits roll the pods)`);
      }
      return ctx.note(path, `not carried: bind mount of the folder ${m.source}; Kubernetes has no bind mounts from your laptop: use sync rules for source code`);
    }
    if (m.type === "volume" && m.source) {
      return ctx.note(path, `not carried: named volume ${m.source} at ${m.target ?? "?"}; devup generates no PersistentVolumeClaim yet, so its data lasts as long as the pod`);
    }
    ctx.note(path, `not carried: ${m.type} mount${m.target ? ` at ${m.target}` : ""}${m.type === "bind" ? " from outside the project" : ""}`);
  });
  return { configFiles, secretFiles };
}

/** "./src:/app/src:ro", "data:/var/lib/x", "/var/run/docker.sock:/var/run/docker.sock", "/data" */
function shortVolume(text: string): { type: string; source?: string | undefined; target?: string | undefined } {
  const parts = text.split(":");
  if (parts.length === 1) return { type: "volume", target: parts[0] };
  const [source = "", target] = parts;
  const bind = /^[./~]/.test(source) || source.startsWith("$");
  return { type: bind ? "bind" : "volume", source, target };
}
