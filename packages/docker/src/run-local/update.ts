/**
 * Live update of a run-local container through the Docker API: changed files go in with
 * `putArchive` (a tar of just those files, named by their container path), deleted ones are
 * removed with an exec of `rm -f`, then the sync rule's commands run and, for `restart`, the
 * restart loop in front of the process (see @devup/engine's RESTART_LOOP) starts it again in the
 * same container. A Docker restart keeps the container's files, so synced files survive a crash.
 */
import { DevupError } from "@devup/errors";
import { syncArchive } from "@devup/files";
import type Docker from "dockerode";
import { demuxLines } from "./demux.ts";
import { portAnswers, probeOnce } from "./probe.ts";
import type { ContainerPlan } from "./plan.ts";

export interface LocalSyncRequest {
  /** `local` is absolute; when it no longer exists, `to` is deleted in the container. */
  files: ReadonlyArray<{ local: string; to: string; within?: string | undefined }>;
  /** Commands to run in the container after the copy, in order. */
  run: ReadonlyArray<readonly string[]>;
  /** Restart the process (through the restart loop) and wait until its health check passes again. */
  restart: boolean;
}

export interface LocalSyncResult {
  copied: number;
  deleted: number;
}

/**
 * Marks the restart as wanted and stops the child; the loop starts it again. Waits (up to 10 s)
 * until the loop has started a new child, so a health probe afterwards reaches the new process.
 */
const RESTART_SCRIPT = [
  "test -s /tmp/.devup-child || { echo 'no restart loop in this container (/tmp/.devup-child missing)' >&2; exit 3; }",
  'old=$(cat /tmp/.devup-child); touch /tmp/.devup-restart; kill "$old"',
  'i=0; while [ "$(cat /tmp/.devup-child)" = "$old" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done',
  '[ "$(cat /tmp/.devup-child)" != "$old" ]',
].join("\n");

/** Runs a command in the container to its end; its exit code and last output lines. */
async function execIn(container: Docker.Container, cmd: readonly string[]): Promise<{ code: number; output: string[] }> {
  const exec = await container.exec({ Cmd: [...cmd], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve) => {
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", resolve);
    stream.on("close", resolve);
    stream.on("error", () => resolve());
  });
  for (let i = 0; ; i++) {
    const info = await exec.inspect();
    if (!info.Running || i > 100) return { code: info.ExitCode ?? -1, output: demuxLines(Buffer.concat(chunks)).slice(-10) };
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function check(plan: ContainerPlan, container: Docker.Container, what: string, cmd: readonly string[]): Promise<void> {
  const r = await execIn(container, cmd);
  if (r.code !== 0) throw new DevupError("docker", `${plan.service}: ${what} in ${plan.container} failed (exit ${r.code})`, { details: r.output });
}

/** Copies, deletes, runs and restarts as asked; throws a DevupError that says which step failed. */
export async function syncIntoContainer(docker: Docker, plan: ContainerPlan, request: LocalSyncRequest, signal?: AbortSignal): Promise<LocalSyncResult> {
  const container = docker.getContainer(plan.container);
  const state = await container.inspect().catch((cause: unknown) => {
    throw new DevupError("docker", `${plan.service}: the container ${plan.container} is not there to sync into`, { cause });
  });
  if (!state.State.Running) throw new DevupError("docker", `${plan.service}: the container ${plan.container} is not running (${state.State.Status})`);
  const { tar, deleted, copied } = await syncArchive(request.files);
  if (deleted.length) await check(plan, container, "deleting synced files", ["rm", "-f", "--", ...deleted]);
  if (copied) {
    try {
      await container.putArchive(tar, { path: "/" });
    } catch (cause) {
      throw new DevupError("docker", `${plan.service}: copying ${copied} file${copied === 1 ? "" : "s"} into ${plan.container} failed`, { cause });
    }
  }
  for (const command of request.run) await check(plan, container, command.join(" "), command);
  if (request.restart) {
    await check(plan, container, "restarting the process", ["/bin/sh", "-c", RESTART_SCRIPT]);
    await waitHealthy(plan, container, signal);
  }
  return { copied, deleted: deleted.length };
}

/** After a restart in place: the health check passes again (the process serves), or a DevupError. */
async function waitHealthy(plan: ContainerPlan, container: Docker.Container, signal: AbortSignal | undefined): Promise<void> {
  const test = plan.create.Healthcheck?.Test;
  const port = plan.answersOn;
  if (!test && port === undefined) return;
  const deadline = Date.now() + plan.readyTimeoutMs;
  while (!(await (test ? probeOnce(container, test, 5000) : portAnswers(port!)))) {
    signal?.throwIfAborted();
    if (Date.now() > deadline) throw new DevupError("timeout", `${plan.service}: the restarted process did not pass its health check (or answer on its port) within ${Math.round(plan.readyTimeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
