/** "Serving": a ready service answers through a port-forward (HTTP on its health path, else a TCP connect). */
import { connect } from "node:net";
import { DevupError } from "@devup/errors";
import { forwardService, type Kube } from "@devup/kube";
import type { ResolvedService } from "@devup/project";

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tcpAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.setTimeout(2_000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on("error", () => resolve(false));
  });
}

async function httpAnswers(port: number, path: string): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.status < 500;
  } catch {
    return false;
  }
}

/**
 * Resolves once the service answers (through a temporary forward to a ready pod); returns how the
 * check was made. A service without ports counts as serving when it is ready.
 */
export async function untilServing(kube: Kube, namespace: string, service: ResolvedService, timeoutMs: number): Promise<string> {
  const check = service.health?.check;
  const http = check?.kind === "http" ? check : undefined;
  const port = http ? service.ports.find((p) => p.name === http.port) : service.ports.find((p) => p.protocol === "TCP");
  if (!port) return "no ports: ready counts as serving";
  const path = http?.path;
  const forward = await forwardService(kube, { namespace, service: service.name, port: port.name, localPort: 0, readyTimeoutMs: 2_000 });
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (path ? await httpAnswers(forward.localPort, path) : await tcpAnswers(forward.localPort)) return path ? `GET ${path} on port ${port.name}` : `TCP port ${port.name}`;
      await pause(100);
    }
  } finally {
    await forward.close();
  }
  throw new DevupError("timeout", `${service.name} is ready but did not answer on port ${port.name} within ${Math.round(timeoutMs / 1000)} s`, { hint: `dev logs ${service.name} shows what it does` });
}
