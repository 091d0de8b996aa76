/**
 * `dev run-local`: the compose step. The same spec and images as `dev up`, as plain Docker
 * containers on one network per project; logs follow until Ctrl-C, which removes them (`--keep` not).
 * Files are watched (`--no-watch` not): sync rules copy into the running container, other changes
 * rebuild and replace it (engine `watchLocal`, Docker side here).
 */
import {
  connectDocker,
  ensureImages,
  followLocalLogs,
  imageCommand,
  imageExists,
  listLocalVolumes,
  pingDocker,
  planContainers,
  removeLocal,
  replaceLocal,
  startLocal,
  summarizeBuilds,
  syncIntoContainer,
  type BuildEvent,
  type ContainerPlan,
  type ImageRequest,
  type RunLocalEvent,
} from "@devup/docker";
import { DevupError } from "@devup/errors";
import { imageRequest, initialState, realCommand, RESTART_LOOP, restartEntrypoint, Store, wantsRestartLoop, watchLocal, type LocalWatching } from "@devup/engine";
import { formatDiagnostic, loadProject, type ResolvedProject, type ResolvedService } from "@devup/project";
import type { CommandContext } from "../context.ts";
import { logLineFormatter } from "../log-format.ts";
import { attachPrinter } from "../printer.ts";
import type { Output } from "../output.ts";
import { contentTag, loadValidProject } from "../project.ts";
import { chokidarWatcher } from "../watch-files.ts";

type Docker = ReturnType<typeof connectDocker>;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Builds what changed (content tags, as `dev up`), checks the other images exist; service → image, and the services built. */
async function images(docker: Docker, project: ResolvedProject, services: readonly ResolvedService[], store: Store, signal: AbortSignal): Promise<{ refs: Record<string, string>; built: string[] }> {
  const refs: Record<string, string> = {};
  const requests: ImageRequest[] = [];
  for (const s of services) {
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
  const results = await ensureImages(docker, requests, { signal, onEvent: (e) => reportBuild(store, e) });
  const summary = summarizeBuilds(results);
  if (summary.error) throw summary.error;
  return { refs, built: results.filter((r) => r.action === "built").map((r) => r.service) };
}

/**
 * Watching: services with a `then: restart` sync rule run behind the restart loop (PID 1 a small
 * shell loop around the real command, from the spec or the image), so a sync restarts the process
 * in the same container and the synced files stay.
 */
async function restartLoopFor(docker: Docker, s: ResolvedService, image: string): Promise<string[] | undefined> {
  if (!wantsRestartLoop(s)) return undefined;
  const command = realCommand(s, s.command ? undefined : await imageCommand(docker, image));
  return command.length ? restartEntrypoint(command) : undefined;
}

async function planFor(docker: Docker, project: ResolvedProject, services: readonly ResolvedService[], refs: Record<string, string>, watch: boolean): Promise<ContainerPlan[]> {
  const entrypoints: Record<string, string[]> = {};
  if (watch) {
    for (const s of services) {
      const e = await restartLoopFor(docker, s, refs[s.name]!);
      if (e) entrypoints[s.name] = e;
    }
  }
  return planContainers({ ...project, services }, refs, entrypoints);
}

/** Build progress into the Store, as `dev up` reports it. */
function reportBuild(store: Store, e: BuildEvent): void {
  if (e.type === "build-start") store.dispatch({ type: "phase", service: e.service, phase: "building" });
  else if (e.type === "build-line") store.dispatch({ type: "build-line", service: e.service, line: e.line });
  else if (e.type === "build-skip") store.dispatch({ type: "build", service: e.service, action: "skipped", image: e.tag, durationMs: 0 });
  else store.dispatch({ type: "build", service: e.service, action: e.type === "build-done" ? "built" : "failed", image: e.tag, durationMs: e.durationMs });
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
  const watch = ctx.options["no-watch"] !== true;
  const docker = connectDocker();
  await pingDocker(docker);
  const { signal, dispose } = abortOnSignal();
  const { out } = ctx;
  const started = Date.now();
  const show = logLineFormatter(project, ctx.options);
  let stopLogs = () => {};
  let watching: LocalWatching | undefined;
  // Progress (builds, syncs, rebuilds) goes through a Store, as dev up's does: the same printer and NDJSON events.
  const store = new Store(initialState(project.name, project.environment, project.namespace, project.cluster.name, project.services.map((s) => ({ name: s.name, replicas: 1 }))));
  attachPrinter(store, out);
  try {
    const { refs } = await images(docker, project, project.services, store, signal);
    const plans = await planFor(docker, project, project.services, refs, watch);
    for (const p of plans.filter((p) => p.replicasSkipped > 0)) {
      out.info({ type: "run-local.note", service: p.service, message: `[${p.service}] runs 1 container (the spec asks for ${p.replicasSkipped + 1} replicas; run-local runs one per service)` });
    }
    stopLogs = followLocalLogs(
      docker,
      plans,
      (l) => {
        const shown = show(l.line);
        out.result(out.format === "json" ? { type: "log", service: l.service, stream: l.stream, line: shown.line, ...shown.parsed } : { type: "log", message: `[${l.service}] ${shown.text}` });
      },
      started,
    );
    await startLocal(docker, project, plans, { signal, onEvent: (e) => out.info({ ...e, type: `run-local.${e.type}`, message: describe(e) }) });
    const durationMs = Date.now() - started;
    out.result({
      type: "summary",
      ready: plans.map((p) => p.service).sort(),
      durationMs,
      urls: Object.fromEntries(plans.map((p) => [p.service, p.urls])),
      message: `${plans.length} services healthy in ${seconds(durationMs)} (network ${`devup-${project.name}-${project.environment}`}); press Ctrl-C to stop${keep ? " (--keep: the containers stay)" : " and remove them"}`,
    });
    if (watch) {
      watching = watchContainers(ctx, docker, project, plans, refs, store, signal);
      out.info({ type: "watching", message: "watching for changes: synced files are copied into the running containers, other changes rebuild and replace the container (--no-watch to turn off)" });
    }
    // Until Ctrl-C. A signal handler does not keep Node running: without watching (--no-watch), and
    // while the log followers wait to re-attach, nothing else might, and Node would exit (code 13).
    const alive = setInterval(() => {}, 60_000);
    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));
    clearInterval(alive);
  } catch (error) {
    if (!signal.aborted) {
      await stop(docker, project, out, keep);
      throw error;
    }
  } finally {
    // An update in flight sees the abort and ends; then nothing creates containers behind stop's back.
    await watching?.close();
    await watching?.idle();
    stopLogs();
    dispose();
  }
  await stop(docker, project, out, keep);
}

/** The watch loop on the Docker side: sync with putArchive/exec, rebuild by replacing the container. */
function watchContainers(ctx: CommandContext, docker: Docker, initial: ResolvedProject, initialPlans: readonly ContainerPlan[], refs: Record<string, string>, store: Store, signal: AbortSignal): LocalWatching {
  const plans = new Map(initialPlans.map((p) => [p.service, p]));
  const environment = typeof ctx.options.env === "string" ? ctx.options.env : undefined;
  return watchLocal(
    initial,
    {
      async sync(s, work) {
        const plan = plans.get(s.name);
        if (!plan) throw new DevupError("docker", `${s.name} has no container`);
        if (work.restart && !plan.create.Entrypoint?.includes(RESTART_LOOP)) throw new DevupError("docker", `${s.name}: its container does not run behind the restart loop`);
        await syncIntoContainer(docker, plan, work, signal);
      },
      async rebuild(project, s) {
        const { refs: next } = await images(docker, project, [s], store, signal);
        refs[s.name] = next[s.name]!;
        const [plan] = await planFor(docker, project, [s], refs, true);
        plans.set(s.name, plan!);
        await replaceLocal(docker, plan!, { signal });
      },
    },
    store,
    {
      watcher: chokidarWatcher,
      signal,
      reload: () => {
        const loaded = loadProject(ctx.cwd, { environment });
        return { project: loaded.value, errors: loaded.errors.map(formatDiagnostic) };
      },
    },
  );
}

/** Removes what run-local started unless `--keep`, and says so. */
async function stop(docker: Docker, project: ResolvedProject, out: Output, keep: boolean): Promise<void> {
  if (keep) {
    out.info({ type: "stopped", kept: true, message: `left running (--keep): the containers devup-${project.name}-* and the network devup-${project.name}-${project.environment}; dev run-local again replaces them` });
    return;
  }
  const removed = await removeLocal(docker, project);
  // Named volumes outlive the containers: the data is there for the next run.
  const volumes = await listLocalVolumes(docker, project).catch(() => []);
  const kept = volumes.length ? `; kept the volume${volumes.length === 1 ? "" : "s"} ${volumes.join(", ")} (dev down --volumes removes ${volumes.length === 1 ? "it" : "them"})` : "";
  out.info({
    type: "stopped",
    kept: false,
    removed: removed.containers,
    volumesKept: volumes,
    message: `stopped and removed ${removed.containers.length} container${removed.containers.length === 1 ? "" : "s"}${removed.network ? " and the network" : ""}${kept}`,
  });
}
