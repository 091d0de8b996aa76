/**
 * The ink terminal UI of `dev up`: a Store subscriber like the plain printer, loaded by the CLI
 * only when stdout is a terminal (React and ink stay off every other command's start-up).
 */
import type { Store } from "@devup/engine";
import { render } from "ink";
import { createElement } from "react";
import { App, type Controls } from "./app.tsx";
import { TuiModel, type Describe, type LogSource } from "./model.ts";

export type { Controls } from "./app.tsx";
export type { Describe, LogSource } from "./model.ts";

export interface TuiOptions {
  store: Store;
  /** The words for each engine action (lines of the log pane). */
  describe?: Describe | undefined;
  /** Container logs of each service; followed once the cluster is ready. */
  logs?: LogSource | undefined;
  controls: Omit<Controls, "quit">;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}

export interface Tui {
  /** Resolves when the user asked to quit (q or Ctrl-C). */
  quitRequested: Promise<void>;
  /** Shows a line of news in the status bar (and in the all-services tail). */
  say(message: string): void;
  /** Unmounts: the terminal gets its screen back. */
  close(): Promise<void>;
}

export function startTui(options: TuiOptions): Tui {
  const model = new TuiModel(options.store, { describe: options.describe, logs: options.logs });
  let quit!: () => void;
  const quitRequested = new Promise<void>((resolve) => (quit = resolve));
  const instance = render(createElement(App, { model, controls: { ...options.controls, quit } }), {
    stdout: options.stdout ?? process.stdout,
    stdin: options.stdin ?? process.stdin,
    exitOnCtrlC: false,
    patchConsole: true,
    // The model already announces at most 12 changes a second; a second throttle at the same rate
    // would drop every other frame.
    maxFps: 30,
    incrementalRendering: true,
    alternateScreen: true,
    // Only started on a terminal; CI=true must not turn the screen into a final-frame dump.
    interactive: true,
  });
  let closed: Promise<void> | undefined;
  return {
    quitRequested,
    say(message) {
      model.push("", "event", message);
      model.say(message);
    },
    close() {
      closed ??= (async () => {
        model.close();
        instance.unmount();
        await instance.waitUntilExit();
      })();
      return closed;
    },
  };
}
