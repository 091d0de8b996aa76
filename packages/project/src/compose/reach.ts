/** Which compose services other services reach: named in depends_on, or as a host in their environment, command or env files. */
import { posix } from "node:path";
import type { FileRef, LoadedService } from "./files.ts";
import { toDict } from "./merge.ts";

export function reachedServices(services: readonly LoadedService[], configs: Record<string, FileRef>, readFile: (path: string) => string | undefined): Set<string> {
  const reached = new Set<string>();
  const names = services.map((s) => s.name);
  for (const s of services) {
    // A one-shot dependency (a migration that must finish) is waited for, not connected to.
    for (const [dep, cond] of Object.entries(toDict("depends_on", s.svc.depends_on))) if ((cond as { condition?: string } | null)?.condition !== "service_completed_successfully") reached.add(dep);
    const texts: string[] = [];
    const env = toDict("environment", s.svc.environment);
    texts.push(...Object.values(env).map((v) => (typeof v === "string" || typeof v === "number" ? String(v) : "")));
    for (const key of ["command", "entrypoint"]) {
      const v = s.svc[key];
      if (typeof v === "string") texts.push(v);
      else if (Array.isArray(v)) texts.push(...v.map(String));
    }
    const envFiles = s.svc.env_file === undefined ? [] : Array.isArray(s.svc.env_file) ? s.svc.env_file : [s.svc.env_file];
    for (const f of envFiles as Array<string | { path: string }>) {
      const text = readFile(posix.join(s.dir, typeof f === "string" ? f : f.path));
      if (text !== undefined) texts.push(...text.split(/\r?\n/).map((l) => l.slice(l.indexOf("=") + 1)));
    }
    // Config files (nginx upstreams, prometheus targets), from configs or single-file bind mounts.
    for (const c of (s.svc.configs ?? []) as Array<string | { source: string }>) {
      const file = configs[typeof c === "string" ? c : c.source]?.file;
      const text = file === undefined ? undefined : readFile(file);
      if (text !== undefined) texts.push(...text.split(/[\s;"'(){}[\],]+/));
    }
    for (const v of (s.svc.volumes ?? []) as unknown[]) {
      const source = typeof v === "string" ? v.split(":")[0] : (v as { source?: string }).source;
      const text = source?.startsWith(".") ? readFile(posix.join(s.dir, source)) : undefined;
      if (text !== undefined) texts.push(...text.split(/[\s;"'(){}[\],]+/));
    }
    for (const other of names) {
      if (other === s.name) continue;
      // As a whole value (DB_HOST: db) or as a URL / host:port host (postgres://u:p@db:5432, http://api/).
      const host = new RegExp(`(^|[/@,\\s"'=])${other.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(:\\d+|/|$|[\\s"',])`);
      if (texts.some((t) => t === other || host.test(t))) reached.add(other);
    }
  }
  return reached;
}
