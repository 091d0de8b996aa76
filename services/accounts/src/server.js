// accounts: billing accounts. GET /accounts, GET /accounts/<id>.
import http from "node:http";
import fs from "node:fs";
import crypto from "node:crypto";

const port = Number(process.env.PORT ?? 8080);
const startedAt = process.hrtime.bigint();
const accounts = JSON.parse(fs.readFileSync(process.env.ACCOUNTS_FILE ?? "/etc/accounts/accounts.json", "utf8"));
const currency = process.env.CURRENCY ?? "EUR";
let served = 0;
let failed = 0;

function logLine(level, msg, extra) {
  console.log(JSON.stringify({ time: new Date().toISOString(), level, service: "accounts", msg, ...extra }));
}

function uptime() {
  return Number(process.hrtime.bigint() - startedAt) / 1e9;
}

function send(res, status, body, type = "application/json") {
  if (status >= 400) failed++;
  else served++;
  res.statusCode = status;
  res.setHeader("content-type", type);
  res.end(type === "application/json" ? JSON.stringify(body) : body);
}

const server = http.createServer((req, res) => {
  const { pathname } = new URL(req.url, "http://localhost");
  const byId = /^\/accounts\/(\d+)$/.exec(pathname);
  if (pathname === "/health") return send(res, 200, { status: "ok" });
  if (pathname === "/metrics") {
    return send(
      res,
      200,
      [
        "# TYPE accounts_requests_total counter",
        `accounts_requests_total{outcome="ok"} ${served}`,
        `accounts_requests_total{outcome="error"} ${failed}`,
        "# TYPE accounts_known gauge",
        `accounts_known ${accounts.length}`,
        "",
      ].join("\n"),
      "text/plain; version=0.0.4",
    );
  }
  logLine("info", "request", { method: req.method, path: pathname });
  if (pathname === "/info") {
    const dbPassword = process.env.DB_PASSWORD ?? "";
    return send(res, 200, {
      service: "accounts",
      version: process.env.APP_VERSION ?? "dev",
      currency,
      databasePasswordSet: dbPassword.length > 0,
      databasePasswordSha: dbPassword ? crypto.createHash("sha256").update(dbPassword).digest("hex").slice(0, 8) : null,
      uptimeSeconds: uptime(),
    });
  }
  if (pathname === "/accounts" || pathname === "/accounts/") return send(res, 200, { currency, accounts });
  if (byId) {
    const account = accounts.find((a) => a.id === Number(byId[1]));
    return account ? send(res, 200, { currency, ...account }) : send(res, 404, { error: `no account ${byId[1]}` });
  }
  return send(res, 404, { error: "not found" });
});

server.listen(port, () => logLine("info", "listening", { port }));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
