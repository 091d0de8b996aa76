// Answers every request with the pod's name, so a test can tell which pod served it.
const http = require("node:http");

const name = process.env.HOSTNAME ?? "unknown";
const port = Number(process.env.PORT ?? 8080);
// How long to keep serving after SIGTERM (a graceful shutdown); 0: stop at once.
const drainMs = Number(process.env.DRAIN_MS ?? 0);
const server = http.createServer((req, res) => {
  res.end(`${name}\n`);
});
server.listen(port, () => console.log(`listening on ${port} as ${name}`));
// Like most services: stop at once on SIGTERM (the pod is deleted or replaced), or after the drain.
process.on("SIGTERM", () => setTimeout(() => process.exit(0), drainMs));
