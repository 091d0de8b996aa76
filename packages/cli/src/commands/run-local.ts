/**
 * `dev run-local`: the compose step. The same spec and images as `dev up`, as plain Docker
 * containers on one network per project; logs follow until Ctrl-C, which removes them (`--keep` not).
 */
import {
  connectDocker,
  ensureImages,
  followLocalLogs,
  imageExists,
  pingDocker,
  planContainers,
  removeLocal,
  startLocal,
  summarizeBuilds,
  type BuildEvent,
  type ImageRequest,
  type RunLocalEvent,
} from "@devup/docker";
import { DevupError } from "@devup/errors";
import type { ResolvedProject } from "@devup/spec";
import type { CommandContext } from "../context.ts";
import type { Output } from "../output.ts";
import { contentTag, loadValidProject } from "../project.ts";
import { imageRequest } from "@devup/engine";

type Docker = ReturnType<typeof connectDocker>;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Builds what changed (content tags, as `dev up`), checks the other images exist; service → image. */
async function images(docker: Docker, project: ResolvedProject, out: Output, signal: AbortSignal): Promise<Record<string, string>> {
  const refs: Record<string, string> = {};
  const requests: ImageRequest[] = [];
  for (const s of project.services) {
    if (!s.build) {
      refs[s.name] = s.image!;
      if (!(await imageExists(docker, s.image!))) {
        throw new DevupError("docker", `${s.name}: the image ${s.image!} is not in the local Docker engine`, { hint: `pull it first: docker pull ${s.image!}` });
      }
      continue;
    }
    const inputs = imageRequest(project, s)!;
    const { hash, tag } = await contentTag(project.name, s.name, inputs);
    refs[s.name] = tag;
    requests.push({ service: s.name, inputs, tag, hash });
  }
  const results = await ensureImages(docker, requests, { signal, onEvent: (e) => printBuild(out, e) });
  const summary = summarizeBuilds(results);
  if (summary.error) throw summary.error;
  return refs;
}

function printBuild(out: Output, e: BuildEvent): void {
  if (out.format === "json") {
    if (e.type !== "build-line") out.info({ ...e, type: `run-local.${e.type}`, ...(e.type === "build-fail" ? { error: e.error.message } : {}) });
    return;
  }
  if (e.type === "build-skip") out.info({ type: e.type, message: `[${e.service}] image up to date: ${e.tag}` });
  if (e.type === "build-start") out.info({ type: e.type, message: `[${e.service}] building ${e.tag}` });
  if (e.type === "build-done") out.info({ type: e.type, message: `[${e.service}] built ${e.tag} in ${seconds(e.durationMs)}` });
}

function describe(e: RunLocalEvent): string {
  switch (e.type) {
    case "replaced":
      return `replacing containers of a previous run: ${e.containers.join(", ")}`;
    case "network":
      return `network ${e.name}`;
    case "waiting":
      return `[${e.service}] waiting for ${e.on.join(", ")} to be healthy`;
    case "starting":
      return `[${e.service}] starting ${e.container}`;
    case "healthy":
      return `[${e.service}] healthy in ${seconds(e.durationMs)}${e.urls.length ? `: ${e.urls.join(", ")}` : ""}`;
  }
}

function abortOnSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = () => controller.abort(new DevupError("usage", "interrupted"));
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}

export default async function runLocal(ctx: CommandContext): Promise<void> {
  const project = loadValidProject(ctx);
  const keep = ctx.options.keep === true;
  const docker = connectDocker();
  await pingDocker(docker);
  const { signal, dispose } = abortOnSignal();
  const { out } = ctx;
  const started = Date.now();
  let stopLogs = () => {};
  try {
    const plans = planContainers(project, await images(docker, project, out, signal));
    for (const p of plans.filter((p) => p.replicasSkipped > 0)) {
      out.info({ type: "run-local.note", service: p.service, message: `[${p.service}] runs 1 container (the spec asks for ${p.replicasSkipped + 1} replicas; run-local runs one per service)` });
    }
    stopLogs = followLocalLogs(docker, plans, (l) => out.result(out.format === "json" ? { type: "log", ...l } : { type: "log", message: `[${l.service}] ${l.line}` }), started);
    await startLocal(docker, project, plans, { signal, onEvent: (e) => out.info({ ...e, type: `run-local.${e.type}`, message: describe(e) }) });
    const durationMs = Date.now() - started;
    out.result({
      type: "summary",
      ready: plans.map((p) => p.service).sort(),
      durationMs,
      urls: Object.fromEntries(plans.map((p) => [p.service, p.urls])),
      message: `${plans.length} services healthy in ${seconds(durationMs)} (network ${`devup-${project.name}-${project.environment}`}); press Ctrl-C to stop${keep ? " (--keep: the containers stay)" : " and remove them"}`,
    });
    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));
  } catch (error) {
    if (!signal.aborted) {
      await stop(docker, project, out, keep);
      throw error;
    }
  } finally {
    stopLogs();
    dispose();
  }
  await stop(docker, project, out, keep);
}

/** Removes what run-local started unless `--keep`, and says so. */
async function stop(docker: Docker, project: ResolvedProject, out: Output, keep: boolean): Promise<void> {
  if (keep) {
    out.info({ type: "stopped", kept: true, message: `left running (--keep): the containers devup-${project.name}-* and the network devup-${project.name}-${project.environment}; dev run-local again replaces them` });
    return;
  }
  const removed = await removeLocal(docker, project);
  out.info({ type: "stopped", kept: false, removed: removed.containers, message: `stopped and removed ${removed.containers.length} container${removed.containers.length === 1 ? "" : "s"}${removed.network ? " and the network" : ""}` });
}
