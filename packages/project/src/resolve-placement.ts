/**
 * Where a service's replicas run and how many a node drain may take at once: the topology spread
 * constraint and PodDisruptionBudget of a service with replicas > 1 (none for one replica).
 */
import type { PathSegment } from "./diagnostics.ts";
import type { ResolvedService } from "./model.ts";
import type { ServiceFields } from "./schema.ts";

type Report = (path: PathSegment[], message: string) => void;

const percent = (v: number | string): number | undefined => (typeof v === "string" ? Number(v.slice(0, -1)) : undefined);

export function resolvePlacement(f: ServiceFields, replicas: number, error: Report, warn: Report): Pick<ResolvedService, "spread" | "disruptionBudget"> {
  const budget = f.disruptionBudget;
  let disruptionBudget: ResolvedService["disruptionBudget"] = { maxUnavailable: 1 };
  if (budget) {
    const { maxUnavailable, minAvailable } = budget;
    for (const [key, v] of [["maxUnavailable", maxUnavailable], ["minAvailable", minAvailable]] as const) {
      if (v !== undefined && (percent(v) ?? 0) > 100) error(["disruptionBudget", key], `${key} ${JSON.stringify(v)} is more than 100%; give a percentage from 0% to 100% or a number of pods`);
    }
    if (maxUnavailable !== undefined && minAvailable !== undefined) {
      error(["disruptionBudget", "minAvailable"], "give maxUnavailable or minAvailable, not both (a PodDisruptionBudget takes one); remove one of them");
    } else if (maxUnavailable !== undefined) {
      if ((percent(maxUnavailable) ?? maxUnavailable) === 0) {
        error(["disruptionBudget", "maxUnavailable"], `maxUnavailable ${JSON.stringify(maxUnavailable)} lets no pod be evicted: a node drain would wait forever; use 1 (the default) or more`);
      }
      disruptionBudget = { maxUnavailable };
    } else if (minAvailable !== undefined) {
      const blocks = typeof minAvailable === "number" ? replicas > 1 && minAvailable >= replicas : percent(minAvailable) === 100;
      if (blocks) {
        error(["disruptionBudget", "minAvailable"], `minAvailable ${JSON.stringify(minAvailable)} with ${replicas} replicas lets no pod be evicted: a node drain would wait forever; use at most ${Math.max(1, replicas - 1)} (or maxUnavailable: 1)`);
      }
      disruptionBudget = { minAvailable };
    }
    if (replicas <= 1) warn(["disruptionBudget"], `a disruption budget needs replicas > 1: with ${replicas} replica(s) none is made (a drain cannot keep a single pod up); set replicas: 2 or more`);
  }
  if (replicas <= 1) return {};
  return { spread: { topologyKey: f.spread.topologyKey, maxSkew: f.spread.maxSkew, whenUnsatisfiable: f.spread.whenUnsatisfiable }, disruptionBudget };
}
