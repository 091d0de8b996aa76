/** Pure formatting for the TUI: durations, times, triggers, phases, and safe one-line text. */
import type { Phase, ServiceState } from "@devup/engine";

export const seconds = (ms: number): string => (ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`);

function clock(at: number): string {
  const d = new Date(at);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}

const BUSY: ReadonlySet<Phase> = new Set(["building", "delivering", "waiting", "applying", "starting", "syncing"]);

export const isBusy = (s: ServiceState): boolean => BUSY.has(s.phase);

export function phaseColor(phase: Phase): string {
  if (phase === "ready") return "green";
  if (phase === "failing" || phase === "blocked") return "red";
  if (BUSY.has(phase)) return "yellow";
  return "gray";
}

/** "12:01:02 1.2 s", or the time running so far while the update is not over. */
export function lastUpdate(s: ServiceState, now: number): string {
  if (s.updateStartedAt === undefined) return "";
  if (s.updateDurationMs !== undefined) return `${clock(s.updateStartedAt)} ${seconds(s.updateDurationMs)}`;
  if (isBusy(s)) return `${clock(s.updateStartedAt)} ${seconds(Math.max(0, now - s.updateStartedAt))}…`;
  return clock(s.updateStartedAt);
}

/** The files (or words) that started the last update, shortest first to fit. */
export function trigger(s: ServiceState): string {
  const files = s.trigger;
  if (!files.length) return "";
  const shown = files.slice(0, 3).join(", ");
  return files.length > 3 ? `${shown} +${files.length - 3} more` : shown;
}

export function urls(s: ServiceState): string {
  return s.forwards.map((f) => (f.status === "ready" ? f.url : `${f.url} (${f.status})`)).join(" ");
}

// Terminal control sequences (colours, cursor moves) and other control characters in log text
// would move the cursor or repaint the screen; tabs become spaces.
// eslint-disable-next-line no-control-regex
const CONTROL = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]|[\x00-\x08\x0b-\x1f\x7f]/g;

export function oneLine(text: string): string {
  return text.replace(/\t/g, "  ").replace(CONTROL, "");
}

/** The part of a pod name after the service (the ReplicaSet hash and pod suffix), shortened. */
export function shortPod(service: string, pod: string): string {
  const rest = pod.startsWith(`${service}-`) ? pod.slice(service.length + 1) : pod;
  return rest.split("-").pop() ?? rest;
}

/** canary: both versions and the ingress split ("green 10% ⇄ blue 90%"); empty without a canary in flight. */
export function split(s: ServiceState): string {
  const r = s.release;
  return r?.canary ? `canary ${r.canary} ${r.weight}% ⇄ ${r.stable} ${100 - r.weight}%` : "";
}
