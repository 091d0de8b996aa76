/** A compose service's ports: declared ones with their protocol, or inferred ones for services others reach. */
import { posix } from "node:path";
import { exposedPorts } from "../scaffold.ts";
import type { ComposeService } from "./files.ts";
import { knownImagePorts } from "./known-images.ts";
import type { ServiceContext } from "./service.ts";
import { parsePortString } from "./values.ts";

type Protocol = "TCP" | "UDP";
type LongPort = { target: number | string; published?: string | number; protocol?: string; host_ip?: string };

export function servicePorts(svc: ComposeService, ctx: ServiceContext): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const seen = new Set<string>();
  const forwarded = new Set<number>();
  const add = (container: number, published: number | undefined, protocol: Protocol, path: Array<string | number>) => {
    const key = `${container}/${protocol}`;
    if (seen.has(key)) return;
    seen.add(key);
    let forward = published;
    if (forward !== undefined && protocol === "UDP") {
      ctx.note(path, `UDP port ${container} is not forwarded to ${published} on your machine: dev up forwards TCP only; other services reach it as ${ctx.names.get(ctx.composeName)}:${container}/udp`);
      forward = undefined;
    }
    if (forward !== undefined && forwarded.has(forward)) forward = undefined;
    if (forward !== undefined) forwarded.add(forward);
    out.push({ port: container, ...(protocol === "UDP" ? { protocol } : {}), ...(forward ? { forward } : {}) });
  };
  ((svc.ports ?? []) as Array<string | number | LongPort>).forEach((p, i) => {
    if (typeof p === "object") {
      const protocol = (p.protocol ?? "tcp").toLowerCase();
      if (protocol !== "tcp" && protocol !== "udp") return ctx.note(["ports", i], `not carried: protocol ${protocol} (devup carries TCP and UDP)`);
      if (p.host_ip && !/^(127\.0\.0\.1|localhost)$/.test(p.host_ip)) ctx.note(["ports", i, "host_ip"], `forwarded on 127.0.0.1, not ${p.host_ip}: dev up forwards on this machine's loopback only`);
      const published = p.published === undefined ? undefined : Number(p.published);
      add(Number(p.target), Number.isInteger(published) ? published : undefined, protocol === "udp" ? "UDP" : "TCP", ["ports", i]);
      return;
    }
    const text = String(p);
    const proto = /\/([a-z]+)$/i.exec(text)?.[1]?.toLowerCase();
    if (proto && proto !== "tcp" && proto !== "udp") return ctx.note(["ports", i], `not carried: ${JSON.stringify(text)} (protocol ${proto}; devup carries TCP and UDP)`);
    const parsed = parsePortString(p);
    if (!parsed) return ctx.note(["ports", i], `not carried: ${JSON.stringify(p)} (port ranges are not supported); list each port`);
    const hostIp = /^(\[[^\]]+\]|[^:]+):[^:]*:/.exec(text)?.[1];
    if (hostIp && !/^(127\.0\.0\.1|localhost)$/.test(hostIp)) ctx.note(["ports", i], `forwarded on 127.0.0.1, not ${hostIp}: dev up forwards on this machine's loopback only`);
    add(parsed.container, parsed.published, parsed.protocol, ["ports", i]);
  });
  ((svc.expose ?? []) as Array<string | number>).forEach((p, i) => {
    const parsed = parsePortString(p);
    if (!parsed) ctx.note(["expose", i], `not carried: ${JSON.stringify(p)}; list each port`);
    else add(parsed.container, undefined, parsed.protocol, ["expose", i]);
  });
  if (out.length === 0) for (const p of inferredPorts(svc, ctx)) add(p.port, undefined, p.protocol, []);
  return out;
}

/**
 * Ports for a service that declares none: a well-known image's (always: it listens there whether or
 * not this project uses it), or the EXPOSE lines of its Dockerfile when other services reach it.
 */
function inferredPorts(svc: ComposeService, ctx: ServiceContext): Array<{ port: number; protocol: Protocol }> {
  const name = ctx.names.get(ctx.composeName)!;
  const image = typeof svc.image === "string" ? svc.image : undefined;
  const known = svc.build === undefined && image ? knownImagePorts(image) : undefined;
  const list = (ps: Array<{ port: number; protocol: Protocol }>) => ps.map((p) => `${p.port}${p.protocol === "UDP" ? "/udp" : ""}`).join(", ");
  if (known) {
    ctx.note([], `ports ${list(known)} added (what ${image} listens on; compose declared none) so that other services can reach ${name} by name; check them in services/${name}/service.yaml`);
    return known;
  }
  if (!ctx.reached) return [];
  const local = svc.build === undefined && image ? ctx.imagePorts?.get(image) : undefined;
  if (local?.length) {
    ctx.note([], `ports ${list([...local])} added from the EXPOSE lines of the local image ${image} so that other services reach ${name} by name`);
    return [...local];
  }
  const dockerfile = dockerfileOf(svc, ctx) ?? (image && ctx.builtBy.has(image) ? dockerfileOf(ctx.services.get(ctx.builtBy.get(image)!) ?? {}, ctx) : undefined);
  const exposed = dockerfile ? exposedPorts(dockerfile.text) : [];
  if (exposed.length) {
    ctx.note([], `ports ${list(exposed)} added from EXPOSE in ${dockerfile!.path} so that other services reach ${name} by name`);
    return exposed;
  }
  if (svc.build === undefined && image && !ctx.builtBy.has(image)) ctx.unknownImage?.(image);
  ctx.note(
    [],
    `no port known: other services reach ${name} by name, which in Kubernetes needs the port it listens on; add ports: [{ port: <number> }] to services/${name}/service.yaml`,
  );
  return [];
}

function dockerfileOf(svc: ComposeService, ctx: ServiceContext): { path: string; text: string } | undefined {
  if (svc.build === undefined) return undefined;
  const b = (typeof svc.build === "string" ? { context: svc.build } : svc.build) as { context?: string; dockerfile?: string };
  if (b.context && /^[a-z]+:\/\/|^git@/.test(b.context)) return undefined;
  const path = posix.join(ctx.composeDir, b.context ?? ".", b.dockerfile ?? "Dockerfile");
  const text = ctx.readFile(path);
  return text === undefined ? undefined : { path, text };
}
