/**
 * Run a container's HEALTHCHECK command once through `exec`. Docker 20.10 runs the first check only
 * after a whole interval (it has no start interval), so waiting for dependencies probes directly
 * and starts dependents as soon as the same check passes.
 */
import { connect } from "node:net";
import type Docker from "dockerode";

/** True when the check exits 0 within `timeoutMs`; false when it fails, times out or cannot run. */
export async function probeOnce(container: Docker.Container, test: readonly string[], timeoutMs: number): Promise<boolean> {
  const cmd = test[0] === "CMD-SHELL" ? ["/bin/sh", "-c", test[1] ?? "exit 1"] : test[0] === "CMD" ? test.slice(1) : [];
  if (!cmd.length) return false;
  try {
    const exec = await container.exec({ Cmd: cmd, AttachStdout: false, AttachStderr: false });
    // dockerode answers with the (empty) response stream; left open it would hold the socket and the process.
    const response = (await exec.start({ Detach: true })) as unknown as { destroy?: () => void } | undefined;
    response?.destroy?.();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const info = await exec.inspect();
      if (!info.Running) return info.ExitCode === 0;
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch {
    return false;
  }
}

/**
 * Whether a process behind a port published on 127.0.0.1 accepts connections. Docker's port proxy
 * (and Docker Desktop's) accepts every connection itself and closes it at once, empty, when nothing
 * in the container listens — so a connection counts only if it stays open for `settleMs` or the
 * process sends something first. The readiness of a service with ports and no health check, as the
 * cluster's default TCP probe is.
 */
export function portAnswers(port: number, settleMs = 300, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let settled = false;
    const done = (answer: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      setTimeout(() => done(true), settleMs);
    });
    socket.once("data", () => done(true));
    socket.once("end", () => done(false));
    socket.once("close", () => done(false));
    socket.once("error", () => done(false));
  });
}
