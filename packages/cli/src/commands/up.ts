/** `dev up` and `dev apply`: deploy the spec; `up` then keeps port-forwards alive until Ctrl-C. */
import { DevupError } from "@devup/errors";
import { up, watchProject, type Watching } from "@devup/engine";
import { formatDiagnostic, loadProject, type ResolvedProject } from "@devup/project";
import type { CommandContext } from "../context.ts";
import { useDockerEndpoint } from "@devup/docker/endpoint";
import { abandonedMessage, interruptedMessage } from "../interrupt.ts";
import { HealthWatch, offerRecreate, stoppedMessage } from "../health-watch.ts";
import type { Output } from "../output.ts";
import { attachPrinter } from "../printer.ts";
import { busyForwards, lockProject } from "../preflight.ts";
import { loadValidProject } from "../project.ts";
import { startScreen, wantsScreen } from "../screen.ts";
import { startSession } from "../session.ts";
import { chokidarWatcher } from "../watch-files.ts";

/**
 * Ctrl-C and SIGTERM go to one listener for the whole command, which hands each to the current
 * step's handler (`onSignal`; none: exit 130). One listener that stays, rather than one per step
 * added and removed: execa's exit hook (active while a child such as buildx or kind runs) re-raises
 * the signal, killing devup mid-stop, when it finds itself the only listener, which a step's
 * listener removing itself during the signal made it.
 */
let onSignal: ((signal: NodeJS.Signals) => void) | undefined;
const guard = (signal: NodeJS.Signals): void => (onSignal ? onSignal(signal) : process.exit(130));

/** Resolves on Ctrl-C or SIGTERM, or when `quit` resolves (the screen's q key, or a yes to recreating the cluster). */
function untilSignal(quit?: Promise<void>, recreate?: Promise<void>): Promise<NodeJS.Signals | "quit" | "recreate"> {
  return new Promise((resolve) => {
    const done = (signal: NodeJS.Signals | "quit" | "recreate") => {
      if (onSignal === done) onSignal = undefined;
      resolve(signal);
    };
    onSignal = done;
    void quit?.then(() => done("quit"));
    void recreate?.then(() => done("recreate"));
  });
}

export async function deploy(ctx: CommandContext, keepForwarding: boolean, watchFiles = false): Promise<void> {
  const project = loadValidProject(ctx);
  const lock = lockProject(project, keepForwarding ? "dev up" : "dev apply");
  process.on("SIGINT", guard);
  process.on("SIGTERM", guard);
  try {
    await deployLocked(ctx, project, keepForwarding, watchFiles);
  } finally {
    process.off("SIGINT", guard);
    process.off("SIGTERM", guard);
    onSignal = undefined;
    lock.release();
  }
}

async function deployLocked(ctx: CommandContext, project: ResolvedProject, keepForwarding: boolean, watchFiles: boolean): Promise<void> {
  if (keepForwarding) {
    for (const b of await busyForwards(project)) {
      ctx.out.info({
        type: "forward-port-busy",
        service: b.service,
        port: b.port,
        message: `[${b.service}] 127.0.0.1:${b.port} is in use by another process: its forward starts as soon as the port is free (or change forward: in ${b.specFile})`,
      });
    }
  }
  const { connection, store } = await startSession(ctx, project, { recreateCluster: ctx.options["recreate-cluster"] === true });
  const { ports } = connection;
  let watching: Watching | undefined;
  // On a terminal, `dev up` shows the screen (packages/tui); otherwise, or with --no-tui, plain lines.
  const screen = keepForwarding && wantsScreen(ctx.options, ctx.out.format) ? await startScreen(store, () => connection.kube(), project, () => watching, watchFiles) : undefined;
  const out: Output = screen?.out ?? ctx.out;
  if (!screen) attachPrinter(store, ctx.out);
  const started = Date.now();
  // Ctrl-C before the first pass ends: say what was applied and keeps running (the screen says it itself).
  const interrupted = () => {
    ctx.out.info({ type: "interrupted", ...interruptedMessage(store.state, keepForwarding ? "dev up" : "dev apply") });
    process.exit(130);
  };
  if (!screen) onSignal = interrupted;
  // A failure before the screen's end gives the terminal back first, so the error is read there.
  const result = await up(project, ports, store, { forward: keepForwarding, trigger: [keepForwarding ? "dev up" : "dev apply"] })
    .catch(async (error: unknown) => {
      await screen?.tui.close();
      throw error;
    })
    .finally(() => {
      if (onSignal === interrupted) onSignal = undefined;
    });
  screen?.upDone();
  const total = project.services.length;
  out.result({
    type: "summary",
    ready: result.ready,
    failed: result.failed,
    durationMs: Date.now() - started,
    ...(result.ingress ? { ingress: result.ingress.status } : {}),
    message: `${result.ready.length}/${total} services ready in ${((Date.now() - started) / 1000).toFixed(1)} s${result.failed.length ? `; not ready: ${result.failed.join(", ")}` : ""} (namespace ${project.namespace})${result.ingress && result.ingress.status !== "ready" ? `; ingress ${result.ingress.status}` : ""}`,
  });
  if (keepForwarding && !watchFiles && !result.forwards.length) {
    // Nothing to keep running (no forwards, no watching): done, rather than waiting on nothing.
    await screen?.tui.close();
    ctx.out.info({ type: "stopped", message: `nothing to forward and --no-watch: done; the workloads keep running in namespace ${project.namespace} on cluster ${project.cluster.name} (dev down removes them)` });
  } else if (keepForwarding) {
    if (result.forwards.length) out.info({ type: "forwarding", message: `forwarding; press ${screen ? "q" : "Ctrl-C"} to stop` });
    else out.info({ type: "forwarding", message: `no ports to forward (add ports[].forward in a service.yaml); press ${screen ? "q" : "Ctrl-C"} to stop` });
    if (watchFiles) {
      const environment = typeof ctx.options.env === "string" ? ctx.options.env : undefined;
      watching = watchProject(project, ports, store, {
        watcher: chokidarWatcher,
        forwards: result.forwardSet,
        reload: () => {
          const loaded = loadProject(ctx.cwd, { environment });
          return { project: loaded.value, errors: loaded.errors.map(formatDiagnostic) };
        },
      });
      out.info({ type: "watching", message: "watching for changes: synced files are copied into the running containers, other changes rebuild (--no-watch to turn off)" });
    }
    // Docker or the cluster gone under dev up is said in words; a gone cluster can be created again.
    let recreate: (() => void) | undefined;
    const recreating = new Promise<void>((resolve) => (recreate = resolve));
    const health = new HealthWatch(connection.health, { cluster: project.cluster.name, docker: useDockerEndpoint().host.replace(/^unix:\/\//, "") }, (e) => {
      out.info({ type: e.type, message: e.message });
      if (e.type === "cluster-gone") void offerRecreate(ctx, out, project.cluster.name, Boolean(screen)).then((yes) => yes && recreate?.());
    }).start();
    const how = await untilSignal(screen?.tui.quitRequested, recreating);
    health.close();
    // Stopping waits for the update in progress to stop; a second Ctrl-C does not wait.
    const abandon = () => {
      ctx.out.info({ type: "abandoned", message: abandonedMessage(store.state) });
      process.exit(130);
    };
    onSignal = abandon;
    screen?.tui.say("stopping the forwards and the watching…");
    await watching?.close();
    await Promise.all(result.forwards.map((f) => f.close()));
    await screen?.tui.close(); // the terminal gets its screen back; what stays running is said there
    if (onSignal === abandon) onSignal = undefined;
    if (how === "recreate") {
      ctx.out.info({ type: "recreating", message: `creating the cluster ${project.cluster.name} again and deploying everything` });
      return deployLocked(ctx, project, keepForwarding, watchFiles);
    }
    ctx.out.info({ type: "stopped", message: stoppedMessage(result.forwards.length, project.cluster.name, project.namespace, health.state) });
  }
  if (result.ingress?.status === "failed" && !result.failed.length) {
    throw new DevupError("rollout", result.ingress.message, { hint: "the reason is above; dev up again retries the ingress controller" });
  }
  if (result.failed.length) {
    throw new DevupError("rollout", `${result.failed.length} of ${total} services did not become ready: ${result.failed.join(", ")}`, {
      hint: "the reasons are above; fix them and run dev up again (only what changed is rebuilt)",
    });
  }
}

export default function upCommand(ctx: CommandContext): Promise<void> {
  const forward = ctx.options["no-forward"] !== true;
  return deploy(ctx, forward, forward && ctx.options["no-watch"] !== true);
}
