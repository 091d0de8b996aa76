/**
 * Engine actions → output. Text: one line per meaningful step, prefixed by the service.
 * JSON: every action as its public NDJSON event (ndjson.ts; build lines included).
 */
import { crashMessage, type Action, type EngineState, type Store } from "@devup/engine";
import { ndjsonEvent } from "./ndjson.ts";
import type { Output } from "./output.ts";

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** An action in words ("[service] ..." lines), or undefined when it says nothing a person needs. */
export function describeAction(action: Action, state: EngineState): string | undefined {
  switch (action.type) {
    case "cluster":
      if (action.status === "creating") return `cluster ${state.cluster.name}: checking`;
      if (action.status === "ready") return `cluster ${state.cluster.name}: ${action.message ?? "ready"} (context ${action.context ?? "?"}${action.durationMs === undefined ? "" : `, ${seconds(action.durationMs)}`})`;
      return `cluster ${state.cluster.name}: failed: ${action.message ?? ""}`;
    case "phase":
      if (action.phase === "building") return `[${action.service}] building`;
      if (action.phase === "blocked") return `[${action.service}] blocked: ${action.message ?? ""}`;
      if (action.phase === "waiting") return `[${action.service}] ${action.message ?? "waiting for its dependencies to be ready"}`;
      if (action.phase === "syncing") return `[${action.service}] syncing into the running containers`;
      if (action.phase === "starting") return `[${action.service}] applied; waiting for it to be ready`;
      return undefined;
    case "build-line": {
      const text = action.line.trimEnd();
      // The classic builder's bookkeeping lines say nothing a person needs.
      if (!text || /^ ---> |^Removing intermediate container|^Successfully (built|tagged)/.test(text)) return undefined;
      return `[${action.service}]   ${text}`;
    }
    case "build":
      if (action.action === "skipped") return `[${action.service}] image up to date: ${action.image}`;
      if (action.action === "built") return `[${action.service}] built ${action.image} in ${seconds(action.durationMs)}`;
      return undefined; // the failure is reported with its diagnosis
    case "delivery":
      return action.action === "skipped"
        ? `[${action.service}] image already in the cluster`
        : `[${action.service}] delivered to the cluster${action.method ? ` (${action.method})` : ""} in ${seconds(action.durationMs)}`;
    case "ready": {
      const s = state.services[action.service];
      return `[${action.service}] ready (${s?.readyReplicas ?? 0}/${s?.replicas ?? 0})${s?.updateDurationMs === undefined ? "" : ` in ${seconds(s.updateDurationMs)}`}`;
    }
    case "failed":
      return [`[${action.service}] FAILED: ${action.error.message}`, ...action.error.details.map((d) => `[${action.service}]   ${d}`), ...(action.error.hint ? [`[${action.service}]   hint: ${action.error.hint}`] : [])].join("\n");
    case "pruned":
      return `removed from the cluster (no longer in the spec): ${action.objects.join(", ")}`;
    case "forward": {
      const f = action.forward;
      if (f.status === "ready") return `[${action.service}] ${f.url} → ${action.service}:${f.port}`;
      if (f.status === "error") return `[${action.service}] forward ${f.url} failed: ${f.message ?? ""}`;
      if (f.status === "stopped") return `[${action.service}] forward ${f.url} stopped`;
      if (f.status === "waiting") return `[${action.service}] forward ${f.url}: waiting for a ready pod${f.message ? ` (${f.message})` : ""}`;
      return undefined;
    }
    case "update-start":
      // A command's pass ("dev up", "dev apply", "dev rollback to 3") is said by the command; later updates say which files caused them.
      if (action.trigger.length === 1 && action.trigger[0]!.startsWith("dev ")) return undefined;
      return `[${action.service}] update, because of: ${action.trigger.slice(0, 5).join(", ")}${action.trigger.length > 5 ? ` and ${action.trigger.length - 5} more` : ""}`;
    case "synced":
      return `[${action.service}] synced ${action.files.length} file${action.files.length === 1 ? "" : "s"} into ${action.pods} pod${action.pods === 1 ? "" : "s"}${action.restarted ? " and restarted" : ""} in ${seconds(action.durationMs)}`;
    case "crashed": {
      const report = state.services[action.service]?.error;
      const logs = action.logs.length ? [`[${action.service}]   its last lines:`, ...action.logs.map((l) => `[${action.service}]     ${l}`)] : [`[${action.service}]   (it wrote nothing)`];
      return [`[${action.service}] CRASHED: ${crashMessage(action)}`, ...logs, ...(report?.hint ? [`[${action.service}]   hint: ${report.hint}`] : [])].join("\n");
    }
    case "spec-invalid":
      return ["the spec is invalid; still running the last good version:", ...action.errors.map((e) => `  ${e}`)].join("\n");
    case "spec-valid":
      return `the spec is valid again (${action.files.join(", ")}); updating what changed`;
    case "ingress": {
      const routes = action.routes.map((r) => `  ${r.url} → ${r.service}`);
      if (action.status === "ready") return [`${action.message} in ${seconds(action.durationMs ?? 0)}`, ...routes].join("\n");
      if (action.status === "failed") return [`FAILED: ${action.message}`, ...(action.error?.details ?? []).map((d) => `  ${d}`), ...(action.error?.hint ? [`  hint: ${action.error.hint}`] : [])].join("\n");
      return action.message;
    }
    case "log":
      return action.message;
    case "release":
      return action.canary
        ? `[${action.service}] canary: ${action.canary} gets ${action.weight} % of the ingress traffic, ${action.stable} ${100 - action.weight} %`
        : `[${action.service}] all traffic on ${action.stable}`;
    default:
      return undefined;
  }
}

export function attachPrinter(store: Store, out: Output): () => void {
  return store.subscribe((state, action) => {
    if (out.format === "json") {
      out.info(ndjsonEvent(action, describeAction(action, state)));
      return;
    }
    const line = describeAction(action, state);
    if (line) out.info({ type: action.type, message: line });
  });
}
