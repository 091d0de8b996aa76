// Answers every request with the pod's name, so a test can tell which pod served it.
const http = require("node:http");

const name = process.env.HOSTNAME ?? "unknown";
const port = Number(process.env.PORT ?? 8080);
const server = http.createServer((req, res) => {
  res.setHeader("connection", "close");
  res.end(`${name}\n`);
});
server.listen(port, () => console.log(`listening on ${port} as ${name}`));
// Like most services: stop at once on SIGTERM (the pod is deleted or replaced).
process.on("SIGTERM", () => process.exit(0));
