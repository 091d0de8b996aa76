/**
 * `dev run-local` against the engine: replace what a previous run of this project/environment left,
 * create the project network, start each container once its dependencies are healthy, and remove
 * everything again. Objects are found by label, so there is no state file.
 */
import { DevupError, errorMessage } from "@devup/errors";
import type Docker from "dockerode";
import { dockerError } from "../engine.ts";
import { packFiles } from "@devup/files";
import { demuxLines } from "./demux.ts";
import { portAnswers, probeOnce } from "./probe.ts";
import { localLabels, networkName, type ContainerPlan, type LocalProject } from "./plan.ts";
import { ensureLocalVolumes } from "./volumes.ts";

export type RunLocalEvent =
  | { type: "replaced"; containers: string[] }
  | { type: "network"; name: string }
  | { type: "waiting"; service: string; on: string[] }
  | { type: "starting"; service: string; container: string; urls: string[] }
  | { type: "healthy"; service: string; durationMs: number; urls: string[] };

export interface StartLocalOptions {
  onEvent?: (event: RunLocalEvent) => void;
  signal?: AbortSignal;
  /** How often container health is read (default 300 ms). */
  pollMs?: number;
}

const labelFilter = (project: LocalProject): string[] => Object.entries(localLabels(project)).map(([k, v]) => `${k}=${v}`);

/** Removes this project/environment's containers (any state) and its network. Returns the container names removed. */
export async function removeLocal(docker: Docker, project: LocalProject): Promise<{ containers: string[]; network: boolean }> {
  try {
    const list = await docker.listContainers({ all: true, filters: { label: labelFilter(project) } });
    await Promise.all(list.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(ignoreNotFound)));
    const networks = await docker.listNetworks({ filters: { label: labelFilter(project) } });
    await Promise.all(networks.map((n) => docker.getNetwork(n.Id).remove().catch(ignoreNotFound)));
    return { containers: list.map((c) => (c.Names[0] ?? c.Id).replace(/^\//, "")).sort(), network: networks.length > 0 };
  } catch (cause) {
    throw dockerError(`could not remove the run-local containers of ${project.name}`, cause);
  }
}

function ignoreNotFound(error: unknown): void {
  if ((error as { statusCode?: unknown }).statusCode !== 404) throw error;
}

/** Starts every planned container, dependencies first; resolves when all are healthy. */
export async function startLocal(docker: Docker, project: LocalProject, plans: readonly ContainerPlan[], options: StartLocalOptions = {}): Promise<void> {
  const emit = options.onEvent ?? (() => {});
  const replaced = await removeLocal(docker, project);
  if (replaced.containers.length) emit({ type: "replaced", containers: replaced.containers });
  const name = networkName(project);
  await removeByName(docker, plans);
  try {
    await docker.createNetwork({ Name: name, Driver: "bridge", CheckDuplicate: true, Labels: localLabels(project) });
  } catch (cause) {
    throw dockerError(`could not create the network ${name}`, cause);
  }
  emit({ type: "network", name });
  await ensureLocalVolumes(docker, plans);
  const byName = new Map(plans.map((p) => [p.service, p]));
  const started = new Map<string, Promise<void>>();
  const start = (service: string): Promise<void> => {
    const existing = started.get(service);
    if (existing) return existing;
    const plan = byName.get(service)!;
    const run = (async () => {
      const deps = plan.dependsOn.filter((d) => byName.has(d));
      if (deps.length) emit({ type: "waiting", service, on: deps });
      await Promise.all(deps.map(start));
      options.signal?.throwIfAborted();
      emit({ type: "starting", service, container: plan.container, urls: plan.urls });
      const began = performance.now();
      await createAndStart(docker, plan);
      await waitReady(docker, plan, options);
      emit({ type: "healthy", service, durationMs: Math.round(performance.now() - began), urls: plan.urls });
    })();
    started.set(service, run);
    return run;
  };
  const results = await Promise.allSettled(plans.map((p) => start(p.service)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}

/**
 * Watching's rebuild: the service's container replaced by one from `plan` (the new image; the same
 * name, network alias, ports, env and files), then waits until it is healthy. Throws a DevupError
 * (with the last log lines) when it does not become healthy; the new container then stays for them.
 */
export async function replaceLocal(docker: Docker, plan: ContainerPlan, options: StartLocalOptions = {}): Promise<void> {
  options.signal?.throwIfAborted();
  await removeByName(docker, [plan]);
  options.signal?.throwIfAborted();
  await ensureLocalVolumes(docker, [plan]);
  await createAndStart(docker, plan);
  await waitReady(docker, plan, options);
}

/** A container of the same name left by another environment of this project would block the name. */
async function removeByName(docker: Docker, plans: readonly ContainerPlan[]): Promise<void> {
  await Promise.all(plans.map((p) => docker.getContainer(p.container).remove({ force: true, v: true }).catch(ignoreNotFound)));
}

async function createAndStart(docker: Docker, plan: ContainerPlan): Promise<void> {
  try {
    const container = await docker.createContainer(plan.create);
    if (plan.files.length) {
      const archive = packFiles("/", [], plan.files.map((f) => ({ name: f.path.replace(/^\/+/, ""), content: Buffer.from(f.content), mode: 0o444 })));
      await container.putArchive(archive, { path: "/" });
    }
    await container.start();
  } catch (cause) {
    const reason = errorMessage(cause);
    if (/port is already allocated|address already in use/i.test(reason)) {
      throw new DevupError("portInUse", `${plan.service}: a port it publishes is already in use (${plan.urls.join(", ")})`, {
        hint: "stop what listens there (dev up's forwards, another run-local) or change ports[].forward in its service.yaml",
        details: [reason.trim()],
        cause,
      });
    }
    throw dockerError(`${plan.service}: could not start the container ${plan.container}`, cause);
  }
}

interface Inspected {
  State: { Status: string; Running: boolean; ExitCode: number; Health?: { Status: string; Log?: Array<{ Output: string; ExitCode: number }> } };
  RestartCount: number;
}

async function waitReady(docker: Docker, plan: ContainerPlan, options: StartLocalOptions): Promise<void> {
  const container = docker.getContainer(plan.container);
  const deadline = Date.now() + plan.readyTimeoutMs;
  let last: Inspected | undefined;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      last = await container.inspect();
    } catch (cause) {
      throw dockerError(`${plan.service}: could not read the state of ${plan.container}`, cause);
    }
    const health = last.State.Health?.Status;
    const test = plan.create.Healthcheck?.Test;
    if (health === "healthy" || (!test && last.State.Running && (plan.answersOn === undefined || (await portAnswers(plan.answersOn))))) return;
    if (test && health === "starting" && last.State.Running && (await probeOnce(container, test, 5000))) return;
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, options.pollMs ?? 300));
  }
  throw await notReady(container, plan, last);
}

async function notReady(container: Docker.Container, plan: ContainerPlan, state: Inspected | undefined): Promise<DevupError> {
  const seconds = Math.round(plan.readyTimeoutMs / 1000);
  const why = !state
    ? "no state"
    : !state.State.Running
      ? `its process exited with code ${state.State.ExitCode}${state.RestartCount ? ` (restarted ${state.RestartCount} times)` : ""}`
      : state.RestartCount
        ? `it crashed and was restarted ${state.RestartCount} times`
        : plan.create.Healthcheck
          ? `its health check did not pass (${state.State.Health?.Status ?? "no health check"})`
          : `nothing answers on its port 127.0.0.1:${plan.answersOn} (it has no health check: ready means its first published port answers)`;
  const check = state?.State.Health?.Log?.at(-1);
  const lines = await lastLogLines(container, 20);
  return new DevupError("timeout", `${plan.service} did not become healthy within ${seconds} s: ${why}`, {
    hint: `the container ${plan.container} is kept until run-local stops; its last log lines are below`,
    details: [...(check ? [`last health check (exit ${check.ExitCode}): ${check.Output.trim()}`] : []), ...lines.map((l) => `log: ${l}`)],
  });
}

/** The last `tail` log lines of a container (stdout and stderr interleaved), empty when unavailable. */
async function lastLogLines(container: Docker.Container, tail: number): Promise<string[]> {
  try {
    const buffer = await container.logs({ stdout: true, stderr: true, tail, follow: false });
    return demuxLines(buffer);
  } catch {
    return [];
  }
}
