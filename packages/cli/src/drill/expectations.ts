/**
 * What `dev drill` expects of a service before it disrupts it, each unmet expectation said with the
 * spec line to change: more than one replica, a readiness probe, and a PodDisruptionBudget.
 */
import type { ResolvedService } from "@devup/project";

export interface Finding {
  /** replicas | health | disruptionBudget */
  expectation: string;
  message: string;
}

/** "file:line" of a top-level key of a service.yaml, or the file alone when the key is absent. */
export function keyLine(specText: string, specFile: string, key: string): string {
  const lines = specText.split("\n");
  const at = lines.findIndex((l) => new RegExp(`^${key}\\s*:`).test(l));
  return at >= 0 ? `${specFile}:${at + 1}` : specFile;
}

/** Pure: the unmet expectations of `service` for a drill (`hasBudget`: a PodDisruptionBudget selects its pods). */
export function drillFindings(service: ResolvedService, specText: string, hasBudget: boolean): Finding[] {
  const out: Finding[] = [];
  if (service.replicas < 2) {
    out.push({
      expectation: "replicas",
      message: `${service.name} runs ${service.replicas} replica: while its pod is replaced nothing serves it. Set replicas: 2 (or more) at ${keyLine(specText, service.specFile, "replicas")}`,
    });
  }
  if (!service.health) {
    out.push({
      expectation: "health",
      message: `${service.name} has no readiness probe: a new pod gets traffic before it can answer. Add health: { http: { path: /health } } (or tcp/exec) at ${keyLine(specText, service.specFile, "health")}`,
    });
  }
  if (!hasBudget) {
    out.push({
      expectation: "disruptionBudget",
      message: `no PodDisruptionBudget covers ${service.name}: a node drain may evict all its pods at once. Run 2 or more replicas (devup then adds one) or add your own`,
    });
  }
  return out;
}
