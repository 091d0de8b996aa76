/** `dev init` without a compose file: a spec scaffolded from the Dockerfiles in the project. */
import { posix } from "node:path";
import { stringify } from "./yaml.ts";
import type { GeneratedFile } from "./compose/convert.ts";
import { toDnsLabel } from "./compose/values.ts";

export interface FoundDockerfile {
  /** Path relative to the project root, e.g. `api/Dockerfile`. */
  path: string;
  text: string;
}

const FIRST_FORWARD = 8081;

/** The ports a Dockerfile EXPOSEs (TCP and UDP; variables skipped). */
export function exposedPorts(dockerfile: string): Array<{ port: number; protocol: "TCP" | "UDP" }> {
  const out: Array<{ port: number; protocol: "TCP" | "UDP" }> = [];
  for (const line of dockerfile.split(/\r?\n/)) {
    const m = /^\s*EXPOSE\s+(.+)$/i.exec(line);
    if (!m) continue;
    for (const word of m[1]!.trim().split(/\s+/)) {
      const p = /^(\d+)(?:\/(tcp|udp))?$/i.exec(word);
      if (p) out.push({ port: Number(p[1]), protocol: p[2]?.toLowerCase() === "udp" ? "UDP" : "TCP" });
    }
  }
  return out;
}

export function scaffoldFromDockerfiles(projectName: string, dockerfiles: readonly FoundDockerfile[]): GeneratedFile[] {
  const name = toDnsLabel(projectName);
  const files: GeneratedFile[] = [
    { path: "dev.yaml", content: `# devup project. Services: services/*/service.yaml. Run \`dev up\`.\n${stringify({ name })}` },
  ];
  const used = new Set<string>();
  let forward = FIRST_FORWARD;
  for (const df of [...dockerfiles].sort((a, b) => a.path.localeCompare(b.path))) {
    const dir = posix.dirname(df.path);
    let service = toDnsLabel(dir === "." ? name : posix.basename(dir));
    for (let i = 2; used.has(service); i++) service = `${toDnsLabel(posix.basename(dir))}-${i}`;
    used.add(service);
    const serviceDir = `services/${service}`;
    const build: Record<string, string> = { context: posix.relative(serviceDir, dir) || "." };
    if (posix.basename(df.path) !== "Dockerfile") build.dockerfile = posix.basename(df.path);
    const ports = exposedPorts(df.text).map((p, i) => ({ port: p.port, ...(p.protocol === "UDP" ? { protocol: p.protocol } : {}), ...(i === 0 && p.protocol === "TCP" ? { forward: forward++ } : {}) }));
    const spec = { build, ...(ports.length ? { ports } : {}) };
    files.push({ path: `${serviceDir}/service.yaml`, content: `# Scaffolded by \`dev init\` from ${df.path}. Add env, config, health and ingress as you need.\n${stringify(spec)}` });
  }
  return files;
}
