/**
 * What the TUI shows, kept apart from React: the engine state (read from the Store), and per
 * service a capped buffer of lines (container logs, build output, sync and engine events).
 * Changes are announced at most `fps` times a second, so a log flood costs one render per frame.
 */
import type { Action, EngineState, Store } from "@devup/engine";
import { Ring } from "./ring.ts";

export type LineKind = "log" | "build" | "event" | "error";

export interface Line {
  /** Increases by one per line over all services (the log pane scrolls by it). */
  seq: number;
  /** "" for lines about the whole project (cluster, spec). */
  service: string;
  kind: LineKind;
  text: string;
  /** The pod of a container log line. */
  pod?: string | undefined;
}

/** Where container logs come from: follows one service's pods until the returned function is called. */
export interface LogSource {
  follow(service: string, onLine: (pod: string, text: string) => void): () => void;
}

/** Describes an action in words (the plain printer's text, "[service] " prefixed), or nothing to say. */
export type Describe = (action: Action, state: EngineState) => string | undefined;

export interface ModelOptions {
  /** Lines kept per service (default 500) and for the all-services tail (default 1000). */
  capacity?: number;
  allCapacity?: number;
  /** Most change announcements per second (default 12). */
  fps?: number;
  logs?: LogSource | undefined;
  describe?: Describe | undefined;
}

const PREFIX = /^\[([^\]\s]+)\] ?(.*)$/s;

export class TuiModel {
  readonly #store: Store;
  readonly #lines = new Map<string, Ring<Line>>();
  readonly #all: Ring<Line>;
  readonly #capacity: number;
  readonly #streams = new Map<string, () => void>();
  readonly #listeners = new Set<() => void>();
  readonly #frameMs: number;
  readonly #options: ModelOptions;
  readonly #unsubscribe: () => void;
  #seq = 0;
  #scheduled: ReturnType<typeof setTimeout> | undefined;
  #last = 0;
  /** Bumped on every change: a render compares it to know whether anything is new. */
  version = 0;
  /** One line of news for the status bar (a summary, what a key did). */
  notice = "";

  constructor(store: Store, options: ModelOptions = {}) {
    this.#store = store;
    this.#options = options;
    this.#capacity = options.capacity ?? 500;
    this.#all = new Ring(options.allCapacity ?? 1000);
    this.#frameMs = 1000 / (options.fps ?? 12);
    this.#unsubscribe = store.subscribe((state, action) => this.#onAction(state, action));
    this.#followLogs(store.state);
  }

  get state(): EngineState {
    return this.#store.state;
  }

  /** Lines of one service, or of every service (and the project) when `service` is undefined; oldest first. */
  lines(service?: string): Line[] {
    if (service === undefined) return this.#all.toArray();
    return this.#lines.get(service)?.toArray() ?? [];
  }

  push(service: string, kind: LineKind, text: string, pod?: string): void {
    const line: Line = { seq: ++this.#seq, service, kind, text, pod };
    if (service) {
      let ring = this.#lines.get(service);
      if (!ring) this.#lines.set(service, (ring = new Ring(this.#capacity)));
      ring.push(line);
    }
    this.#all.push(line);
    this.#changed();
  }

  say(notice: string): void {
    this.notice = notice;
    this.#changed();
  }

  /** Calls `listener` after changes, at most once per frame. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    this.#unsubscribe();
    for (const stop of this.#streams.values()) stop();
    this.#streams.clear();
    if (this.#scheduled) clearTimeout(this.#scheduled);
    this.#scheduled = undefined;
    this.#listeners.clear();
  }

  #onAction(state: EngineState, action: Action): void {
    const text = this.#options.describe?.(action, state);
    if (text) {
      const service = "service" in action ? action.service : "";
      const kind: LineKind = action.type === "build-line" ? "build" : action.type === "failed" || action.type === "crashed" || (action.type === "log" && action.level !== "info") ? "error" : "event";
      for (const raw of text.split("\n")) {
        const m = PREFIX.exec(raw);
        // Engine messages name their service in the prefix; keep it when it is not a service.
        const owner = service || (m && state.services[m[1]!] ? m[1]! : "");
        const body = m && (m[1] === owner) ? (m[2] ?? "") : raw;
        this.push(owner, kind, action.type === "build-line" ? body.replace(/^\s+/, "") : body);
      }
    } else {
      this.#changed();
    }
    // Project-wide news would only reach the all-services tail: the status bar says it too.
    if (action.type === "spec-invalid") this.notice = `the spec is invalid, still running the last good version: ${action.errors[0] ?? ""}${action.errors.length > 1 ? ` (+${action.errors.length - 1} more; t shows all)` : ""}`;
    if (action.type === "spec-valid") this.notice = `the spec is valid again (${action.files.join(", ")})`;
    if (action.type === "pruned") this.notice = `removed from the cluster (no longer in the spec): ${action.objects.join(", ")}`;
    if (action.type === "cluster" || action.type === "services") this.#followLogs(state);
  }

  /** Follows the logs of every service once the cluster is there; stops following removed services. */
  #followLogs(state: EngineState): void {
    const logs = this.#options.logs;
    if (!logs || state.cluster.status !== "ready") return;
    for (const name of Object.keys(state.services)) {
      if (this.#streams.has(name)) continue;
      this.#streams.set(name, logs.follow(name, (pod, text) => this.push(name, "log", text, pod)));
    }
    for (const [name, stop] of this.#streams) {
      if (state.services[name]) continue;
      stop();
      this.#streams.delete(name);
    }
  }

  #changed(): void {
    this.version++;
    if (this.#scheduled || !this.#listeners.size) return;
    const wait = Math.max(0, this.#last + this.#frameMs - Date.now());
    this.#scheduled = setTimeout(() => {
      this.#scheduled = undefined;
      this.#last = Date.now();
      for (const l of this.#listeners) l();
    }, wait);
  }
}
