/**
 * What Ctrl-C left behind, in words: during the first pass of `dev up`/`apply` (which services
 * were applied, which builds were cancelled), and on a second Ctrl-C while stopping (which
 * updates were abandoned half-way).
 */
import type { EngineState, Phase } from "@devup/engine";

const APPLIED: ReadonlySet<Phase> = new Set(["applying", "starting", "ready", "failing", "syncing"]);
const BUILDING: ReadonlySet<Phase> = new Set(["building", "delivering"]);
const BUSY: ReadonlySet<Phase> = new Set(["building", "delivering", "applying", "starting", "syncing"]);

const names = (list: string[]) => list.join(", ");
const was = (list: string[]) => (list.length === 1 ? "was" : "were");

/** Ctrl-C before the first pass ended. */
export function interruptedMessage(state: EngineState, command: string): { applied: string[]; message: string } {
  const services = Object.values(state.services);
  const applied = services.filter((s) => APPLIED.has(s.phase)).map((s) => s.name);
  const building = services.filter((s) => BUILDING.has(s.phase)).map((s) => s.name);
  const parts = [applied.length ? `${names(applied)} ${was(applied)} applied and keep${applied.length === 1 ? "s" : ""} running in namespace ${state.namespace}` : "nothing was applied yet"];
  if (building.length) parts.push(`the build${building.length === 1 ? "" : "s"} of ${names(building)} ${was(building)} cancelled (nothing of ${building.length === 1 ? "it" : "them"} was deployed)`);
  return { applied, message: `stopped during ${command}: ${parts.join("; ")}; the cluster ${state.cluster.name} keeps running (dev down removes the workloads)` };
}

/** A second Ctrl-C while `dev up` stops: it exits at once, and says what it did not wait for. */
export function abandonedMessage(state: EngineState): string {
  const busy = Object.values(state.services).filter((s) => BUSY.has(s.phase));
  const what = busy.length ? `abandoned the update of ${busy.map((s) => `${s.name} (${s.phase})`).join(", ")}: it may be half-done; ` : "";
  return `stopped at once (second Ctrl-C): ${what}the forwards were dropped without closing; the cluster ${state.cluster.name} and namespace ${state.namespace} keep running (dev up again makes everything current)`;
}
