// portAnswers against real sockets on 127.0.0.1: what Docker's port proxy does when nothing in the
// container listens (accept, then close empty) must not count as an answer.
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { portAnswers } from "./probe.ts";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(onConnection: Parameters<typeof createServer>[1]): Promise<number> {
  const server = createServer(onConnection);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as { port: number }).port;
}

describe("portAnswers", () => {
  it("a process that holds the connection open answers (an HTTP server waiting for the request)", async () => {
    const port = await listen((socket) => setTimeout(() => socket.destroy(), 2000));
    expect(await portAnswers(port, 200)).toBe(true);
  });

  it("a process that speaks first and closes answers (a database sending its greeting)", async () => {
    const port = await listen((socket) => socket.end("rows=42"));
    expect(await portAnswers(port, 200)).toBe(true);
  });

  it("a proxy that accepts and closes at once, empty, is nothing listening behind it", async () => {
    const port = await listen((socket) => socket.end());
    expect(await portAnswers(port, 200)).toBe(false);
  });

  it("a refused connection is no answer", async () => {
    const port = await listen(() => undefined);
    await new Promise((r) => servers.pop()!.close(r));
    expect(await portAnswers(port, 200)).toBe(false);
  });
});
