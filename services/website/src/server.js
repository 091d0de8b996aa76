// website: the public front page. Renders users and accounts fetched from the APIs inside the cluster.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";

const port = Number(process.env.PORT ?? 3000);
const usersUrl = process.env.USERS_URL ?? "http://users:8080";
const accountsUrl = process.env.ACCOUNTS_URL ?? "http://accounts:8080";
const templatePath = process.env.TEMPLATE ?? "/etc/website/index.html";
const boot = Date.now();
const hits = { page: 0, upstreamErrors: 0 };

const log = (level, msg, more) =>
  console.log(JSON.stringify({ time: new Date().toISOString(), level, service: "website", msg, ...more }));

async function fetchJson(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return res.json();
}

async function page() {
  hits.page++;
  const template = await readFile(templatePath, "utf8");
  let users = [];
  let accounts = [];
  try {
    [{ users }, { accounts }] = await Promise.all([fetchJson(`${usersUrl}/v2/users`), fetchJson(`${accountsUrl}/accounts`)]);
  } catch (err) {
    hits.upstreamErrors++;
    log("warn", "upstream unavailable", { error: String(err) });
  }
  const rows = users
    .map((u) => `<li>${u.name} — account ${u.accountId} (${accounts.find((a) => a.id === u.accountId)?.plan ?? "?"})</li>`)
    .join("");
  return template.replaceAll("{{title}}", process.env.SITE_TITLE ?? "shop").replace("{{users}}", rows || "<li>no users yet</li>");
}

const server = createServer(async (req, res) => {
  const { pathname } = new URL(req.url, "http://localhost");
  try {
    if (pathname === "/health") {
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
    } else if (pathname === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(
        `# TYPE website_pages_total counter\nwebsite_pages_total ${hits.page}\n# TYPE website_upstream_errors_total counter\nwebsite_upstream_errors_total ${hits.upstreamErrors}\n`,
      );
    } else if (pathname === "/info") {
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({ service: "website", usersUrl, accountsUrl, sessionKeySet: Boolean(process.env.SESSION_KEY), uptimeSeconds: (Date.now() - boot) / 1000 }),
      );
    } else if (pathname === "/") {
      log("info", "page", { path: pathname });
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(await page());
    } else {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    }
  } catch (err) {
    log("error", "request failed", { error: String(err) });
    res.writeHead(500, { "content-type": "text/plain" }).end("internal error\n");
  }
});

server.listen(port, () => log("info", "listening", { port }));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
