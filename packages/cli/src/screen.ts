/**
 * `dev up` on a terminal: the ink screen (@devup/tui, loaded only here), fed by the Store, the
 * plain printer's words for each action, and the container logs of each service from the cluster.
 */
import type { Store, Watching } from "@devup/engine";
import { streamLogs, type Kube } from "@devup/kube";
import { projectSelector } from "@devup/manifests";
import { formatDiagnostic, type ResolvedProject } from "@devup/project";
import type * as TuiModule from "@devup/tui";
import type { LogSource, Tui } from "@devup/tui";
import type { Output } from "./output.ts";
import { logLineFormatter } from "./log-format.ts";
import { describeAction } from "./printer.ts";
import { errorMessage } from "@devup/errors";

/** Whether `dev up` shows the screen: both ends are a terminal, text output, and not --no-tui. */
export function wantsScreen(options: Record<string, unknown>, format: Output["format"]): boolean {
  return format === "text" && options["no-tui"] !== true && Boolean(process.stdout.isTTY) && Boolean(process.stdin.isTTY) && process.env.TERM !== "dumb";
}

/** Follows each service's pods (new and restarted ones too) until stopped. */
function clusterLogs(kube: () => Kube, project: ResolvedProject): LogSource {
  // As `dev logs` shows them: JSON lines as `time LEVEL message`, the project's secret values hidden.
  const show = logLineFormatter(project, {});
  return {
    follow(service, onLine) {
      const controller = new AbortController();
      streamLogs(kube(), {
        namespace: project.namespace,
        selector: projectSelector(project, { service }),
        follow: true,
        tailLines: 50,
        signal: controller.signal,
        onLine: (line) => onLine(line.pod, show(line.text).text),
      }).catch((error: unknown) => onLine("", `(the logs of ${service} could not be read: ${errorMessage(error)})`));
      return () => controller.abort();
    },
  };
}

/**
 * React picks its build when it loads, from NODE_ENV: the development build checks every element
 * and costs several times the CPU per frame. The screen always loads the production build, and the
 * variable is put back for whatever this process starts later.
 */
async function importScreen(): Promise<typeof TuiModule> {
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    return await import("@devup/tui");
  } finally {
    if (before === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = before;
  }
}

export interface Screen {
  tui: Tui;
  /** Says what commands print, in the status bar, while the screen owns the terminal. */
  out: Output;
  /** The first pass is over: from now on q takes dev up's own way out (forwards and watching stop). */
  upDone(): void;
}

export async function startScreen(store: Store, kube: () => Kube, project: ResolvedProject, watching: () => Watching | undefined, watchFiles: boolean): Promise<Screen> {
  const { startTui } = await importScreen();
  const request = (service: string, kind: "rebuild" | "sync") => {
    const w = watching();
    if (!w) return watchFiles ? `still starting: ${kind} works once dev up watches for changes` : "not watching (--no-watch): r and s are off";
    w.request(service, kind);
    return `${kind} of ${service} requested`;
  };
  const tui = startTui({
    store,
    describe: describeAction,
    logs: clusterLogs(kube, project),
    controls: { rebuild: (s) => request(s, "rebuild"), sync: (s) => request(s, "sync") },
  });
  const say = (e: { message?: string }) => tui.say(e.message ?? "");
  const out: Output = { format: "text", result: say, info: say, diagnostics: (list) => list.forEach((d) => tui.say(formatDiagnostic(d))), text: (content) => tui.say(content) };
  // q or Ctrl-C during the first pass stops at once, as Ctrl-C does without the screen (raw mode
  // turns Ctrl-C into a key), after the terminal got its screen back.
  let upRunning = true;
  void tui.quitRequested.then(async () => {
    if (!upRunning) return;
    await tui.close();
    process.stderr.write(`stopped during dev up; what was applied keeps running in namespace ${project.namespace} of cluster ${project.cluster.name} (dev down removes it)\n`);
    process.exit(130);
  });
  return { tui, out, upDone: () => (upRunning = false) };
}
