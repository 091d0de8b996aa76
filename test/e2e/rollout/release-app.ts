// The one-service project the blueGreen and canary e2e tests release again and again: a server that
// answers its VERSION, a /release-check that fails when BROKEN=1, and helpers to edit its spec, GET
// it (127.0.0.1 only) and read which slot the Service selects.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import type { Kube } from "@devup/kube";

const SPEC = "services/api/service.yaml";

/** Writes services/api (server.js, Dockerfile, service.yaml) with `routes` (spec lines, e.g. ingress:) and `rollout` (the lines under rollout:). */
export async function writeReleaseApp(dir: string, routes: string, rollout: string): Promise<void> {
  await mkdir(join(dir, "services/api"), { recursive: true });
  await writeFile(
    join(dir, "services/api/server.js"),
    [
      'const http = require("node:http");',
      'const broken = process.env.BROKEN === "1";',
      "http.createServer((q, s) => {",
      '  if (q.url === "/health") return s.end("ok");',
      '  if (q.url === "/release-check") { s.statusCode = broken ? 500 : 200; return s.end(broken ? "broken" : "ok"); }',
      "  s.end(process.env.VERSION);",
      "}).listen(8080);",
      "// A graceful stop: serve on for a second after SIGTERM.",
      'process.on("SIGTERM", () => setTimeout(() => process.exit(0), 1000));',
      "",
    ].join("\n"),
  );
  await writeFile(join(dir, "services/api/Dockerfile"), 'FROM node:24-slim\nCOPY server.js /srv/server.js\nCMD ["node", "/srv/server.js"]\n');
  await writeFile(
    join(dir, SPEC),
    `build:\n  context: .\nports:\n  - port: 8080\n${routes}env:\n  VERSION: v1\n  BROKEN: "0"\nhealth:\n  http: { path: /health }\nrollout:\n${rollout}`,
  );
}

/** Replaces `from` in the service's spec; throws when that changes nothing. */
export async function editSpec(dir: string, from: string | RegExp, to: string): Promise<void> {
  const path = join(dir, SPEC);
  const text = await readFile(path, "utf8");
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit of ${SPEC} changed nothing`);
  await writeFile(path, next);
}

/** One GET of / on 127.0.0.1:`port` (with a Host header when given): the version that answered, or what went wrong. */
export function getVersion(port: number, host?: string): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/", ...(host ? { headers: { host } } : {}), agent: false, timeout: 3000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve(res.statusCode === 200 ? body.trim() : `HTTP ${res.statusCode}`));
      res.on("error", (e) => resolve(`error: ${e.message}`));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => resolve(`error: ${e.message}`));
    req.end();
  });
}

/** The slot the Service `api` selects, and the replicas of a slot's Deployment. */
export const slotOf = async (kube: Kube, namespace: string) => (await kube.core.readNamespacedService({ name: "api", namespace })).spec?.selector?.["devup.dev/slot"];
export const replicasOf = async (kube: Kube, namespace: string, slot: string) => (await kube.apps.readNamespacedDeployment({ name: `api-${slot}`, namespace })).spec?.replicas;
