// users: the user directory API. /v1/users (list of names) and /v2/users (full records).
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";

const started = Date.now();
const port = Number(process.env.PORT ?? 8080);
const version = process.env.APP_VERSION ?? "dev";
const users = JSON.parse(readFileSync(process.env.USERS_FILE ?? "/etc/users/users.json", "utf8"));
const tokenFingerprint = process.env.API_TOKEN
  ? createHash("sha256").update(process.env.API_TOKEN).digest("hex").slice(0, 8)
  : null;
const counts = new Map();

const log = (level, msg, fields = {}) =>
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, service: "users", msg, ...fields })}\n`);

const routes = {
  "/health": () => [200, { status: "ok" }],
  "/info": () => [200, { service: "users", version, greeting: process.env.GREETING, tokenFingerprint, uptimeSeconds: (Date.now() - started) / 1000 }],
  "/v1/users": () => [200, users.map((u) => u.name)],
  "/v2/users": () => [200, { users, count: users.length }],
};

function metrics() {
  const lines = ["# HELP http_requests_total Requests served, by path and status.", "# TYPE http_requests_total counter"];
  for (const [key, n] of [...counts].sort()) {
    const [path, status] = key.split(" ");
    lines.push(`http_requests_total{service="users",path="${path}",status="${status}"} ${n}`);
  }
  lines.push("# TYPE process_uptime_seconds gauge", `process_uptime_seconds ${(Date.now() - started) / 1000}`);
  return `${lines.join("\n")}\n`;
}

const server = createServer((req, res) => {
  const path = new URL(req.url, "http://x").pathname.replace(/\/$/, "") || "/";
  if (path === "/metrics") {
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(metrics());
    return;
  }
  const route = routes[path];
  const [status, body] = route ? route() : [404, { error: `no route ${path}` }];
  counts.set(`${path} ${status}`, (counts.get(`${path} ${status}`) ?? 0) + 1);
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  if (path !== "/health") log("info", "request", { method: req.method, path, status });
});

server.listen(port, () => log("info", "listening", { port, version }));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
