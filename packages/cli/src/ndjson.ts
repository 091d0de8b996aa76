/**
 * The public NDJSON events of the engine (`--output json`), version 1: mapped here, field by field,
 * from the engine's internal actions, so that renaming an action or one of its fields changes no
 * public event. docs/ndjson.md describes each one; ndjson.test.ts fails when one changes shape.
 * A new field is a compatible change; renaming or removing one needs a new version.
 */
import type { Action } from "@devup/engine";
import type { ErrorReport } from "@devup/errors";

/** Every NDJSON line carries it (output.ts adds it). */
export const NDJSON_VERSION = 1;

export interface NdjsonEvent {
  type: string;
  /** The event in words, when it has some. */
  message?: string;
  [field: string]: unknown;
}

const error = (e: ErrorReport) => ({ code: e.code, message: e.message, details: [...e.details], ...(e.hint ? { hint: e.hint } : {}) });
const defined = (fields: Record<string, unknown>) => Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));

/** The public event of an engine action (`message`: the action in words, if any). */
export function ndjsonEvent(action: Action, message: string | undefined): NdjsonEvent {
  const event = (type: string, fields: Record<string, unknown>): NdjsonEvent => ({ type, ...defined(fields), ...(message === undefined ? {} : { message }) });
  switch (action.type) {
    case "cluster":
      return event("engine.cluster", { status: action.status, context: action.context, detail: action.message, durationMs: action.durationMs });
    case "phase":
      return event("engine.phase", { service: action.service, phase: action.phase, detail: action.message });
    case "update-start":
      return event("engine.update-start", { service: action.service, trigger: action.trigger, at: action.at });
    case "build":
      return event("engine.build", { service: action.service, action: action.action, image: action.image, durationMs: action.durationMs });
    case "build-line":
      return event("engine.build-line", { service: action.service, line: action.line });
    case "delivery":
      return event("engine.delivery", { service: action.service, action: action.action, image: action.image, method: action.method, durationMs: action.durationMs });
    case "applied":
      return event("engine.applied", { service: action.service, objects: action.objects });
    case "pruned":
      return event("engine.pruned", { objects: action.objects });
    case "replicas":
      return event("engine.replicas", { service: action.service, ready: action.ready, desired: action.desired });
    case "ready":
      return event("engine.ready", { service: action.service, at: action.at });
    case "failed":
      return event("engine.failed", { service: action.service, error: error(action.error) });
    case "forward": {
      const f = action.forward;
      return event("engine.forward", { service: action.service, forward: defined({ port: f.port, localPort: f.localPort, url: f.url, status: f.status, message: f.message }) });
    }
    case "synced":
      return event("engine.synced", { service: action.service, files: action.files, pods: action.pods, restarted: action.restarted, durationMs: action.durationMs });
    case "crashed":
      return event("engine.crashed", { service: action.service, files: action.files, pods: action.pods, exitCode: action.exitCode, logs: action.logs });
    case "spec-invalid":
      return event("engine.spec-invalid", { errors: action.errors });
    case "spec-valid":
      return event("engine.spec-valid", { files: action.files });
    case "services":
      return event("engine.services", { services: action.services.map((s) => ({ name: s.name, replicas: s.replicas })) });
    case "log":
      return { type: "log", level: action.level, message: action.message };
    case "release":
      return event("engine.release", { service: action.service, stable: action.stable, canary: action.canary, weight: action.weight });
    case "ingress":
      return event("engine.ingress", {
        status: action.status,
        detail: action.message,
        routes: action.routes.map((r) => ({ url: r.url, service: r.service })),
        durationMs: action.durationMs,
        error: action.error ? error(action.error) : undefined,
      });
  }
}
