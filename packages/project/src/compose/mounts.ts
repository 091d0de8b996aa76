/**
 * configs, secrets and volumes → devup config and secret files and persistent volumes. Each file is
 * mounted on its own at its target path (a config at /etc/nginx/nginx.conf leaves the image's
 * /etc/nginx/mime.types in place); a single file bind-mounted from the project is carried as a config
 * file the same way. A named volume becomes a spec volume (a PersistentVolumeClaim, a Docker volume in
 * run-local) of the service that mounts it.
 */
import { posix } from "node:path";
import type { ComposeService } from "./files.ts";
import type { ServiceContext } from "./service.ts";
import { toDnsLabel } from "./values.ts";

type Ref = string | { source: string; target?: string; mode?: number | string; uid?: string; gid?: string };

export interface Mounts {
  /** Config files: absolute target path → path relative to the service's folder. */
  configFiles: Record<string, string>;
  secretFiles: Record<string, string>;
  /** Persistent volumes of the service, as service.yaml's volumes. */
  volumes: Array<{ name: string; mountPath: string }>;
}

type VolumeEntry = string | { type?: string; source?: string; target?: string; read_only?: boolean; volume?: { subpath?: string; nocopy?: boolean } };

function parseVolume(v: VolumeEntry): { type: string; source?: string | undefined; target?: string | undefined; readOnly: boolean; subpath?: string | undefined } {
  if (typeof v === "string") return shortVolume(v);
  return { type: v.type ?? "volume", source: v.source, target: v.target, readOnly: v.read_only === true, subpath: v.volume?.subpath };
}

/**
 * A compose volume name → a spec volume name (a DNS label of at most 40 characters), unique in the
 * service. The service's name in front is dropped ("db-data" of db → "data"; its claim is db-data).
 */
function volumeName(source: string, service: string, taken: ReadonlySet<string>): string {
  const full = toDnsLabel(source);
  const label = (full.startsWith(`${service}-`) ? full.slice(service.length + 1) : full).slice(0, 40).replace(/-+$/, "") || "data";
  let name = /^[a-z]/.test(label) ? label : `v-${label}`.slice(0, 40);
  for (let i = 2; taken.has(name); i++) name = `${label.slice(0, 37)}-${i}`;
  return name;
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

  const volumes: Mounts["volumes"] = [];
  ((svc.volumes ?? []) as VolumeEntry[]).forEach((v, i) => {
    const m = parseVolume(v);
    const path = ["volumes", i];
    if (m.type === "bind" && m.source && m.target && !m.source.startsWith("/") && !m.source.startsWith("~")) {
      const file = posix.normalize(posix.join(ctx.composeDir, m.source));
      if (!file.startsWith("../") && ctx.readFile(file) !== undefined) {
        configFiles[m.target] = fromRoot(file);
        return ctx.note(path, `carried as a config file: ${m.source} is mounted at ${m.target} (read-only; edits roll the pods)`);
      }
      return ctx.note(path, `not carried: bind mount of the folder ${m.source}; Kubernetes has no bind mounts from your laptop: use sync rules for source code`);
    }
    if (m.type === "volume" && m.source && m.target?.startsWith("/")) {
      const service = ctx.names.get(ctx.composeName) ?? ctx.composeName;
      const name = volumeName(m.source, service, new Set(volumes.map((x) => x.name)));
      volumes.push({ name, mountPath: m.target });
      const def = (ctx.volumes[m.source] ?? {}) as { external?: unknown; driver?: unknown; driver_opts?: unknown };
      const claim = `${service}-${name}`;
      ctx.note(path, `carried as a persistent volume: ${m.source} at ${m.target} is the PersistentVolumeClaim ${claim} (a Docker volume in run-local); dev down keeps its data, dev down --volumes removes it`);
      if (def.external) ctx.note(path, `external volume ${m.source}: devup makes its own volume, which starts empty (copy the data in if you need it)`);
      if (def.driver !== undefined || def.driver_opts !== undefined) ctx.note(path, `not carried: the driver and driver_opts of volume ${m.source}; the cluster's default StorageClass provides it`);
      if (m.readOnly) ctx.note(path, "not carried: read-only; the volume is mounted read-write");
      if (m.subpath) ctx.note(path, `not carried: volume.subpath ${m.subpath}; the whole volume is mounted at ${m.target}`);
      const sharers = [...ctx.services].filter(([n, other]) => n !== ctx.composeName && ((other.volumes ?? []) as VolumeEntry[]).some((o) => parseVolume(o).source === m.source)).map(([n]) => n);
      if (sharers.length) ctx.note(path, `not shared: compose shares ${m.source} with ${sharers.join(", ")}; in devup each service gets its own volume (a ReadWriteOnce claim is mounted by one pod at a time)`);
      return;
    }
    if (m.type === "volume") {
      return ctx.note(path, `not carried: anonymous volume at ${m.target ?? "?"}; its data lasts as long as the pod (add it under volumes in the service.yaml to keep it)`);
    }
    ctx.note(path, `not carried: ${m.type} mount${m.target ? ` at ${m.target}` : ""}${m.type === "bind" ? " from outside the project" : ""}`);
  });
  return { configFiles, secretFiles, volumes };
}

/** "./src:/app/src:ro", "data:/var/lib/x", "/var/run/docker.sock:/var/run/docker.sock", "/data" */
function shortVolume(text: string): { type: string; source?: string | undefined; target?: string | undefined; readOnly: boolean } {
  const parts = text.split(":");
  if (parts.length === 1) return { type: "volume", target: parts[0], readOnly: false };
  const [source = "", target, mode = ""] = parts;
  const bind = /^[./~]/.test(source) || source.startsWith("$");
  return { type: bind ? "bind" : "volume", source, target, readOnly: mode.split(",").includes("ro") };
}
