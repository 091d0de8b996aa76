/**
 * The engine's one store: desired and observed state of every service, changed only by actions.
 * Subscribers (plain log, NDJSON, the TUI) read the state and the actions; nothing else mutates it.
 */
import { ErrorCodes, type ErrorReport } from "@devup/errors";

export type Phase =
  | "pending"
  | "building"
  | "delivering"
  | "waiting" // for dependencies to be ready
  | "applying"
  | "starting"
  | "syncing" // live update: files copied into the running containers
  | "ready"
  | "failing"
  | "blocked"; // a dependency failed

type ForwardStatus = "starting" | "ready" | "waiting" | "error" | "stopped";

export interface ForwardState {
  port: string;
  localPort: number;
  url: string;
  status: ForwardStatus;
  message?: string | undefined;
}

export interface ServiceState {
  name: string;
  phase: Phase;
  /** The image the cluster runs (content tag, or the delivered reference). */
  image?: string | undefined;
  build?: { action: "built" | "skipped" | "failed"; durationMs: number } | undefined;
  delivery?: { action: "delivered" | "skipped"; method?: string | undefined; durationMs: number } | undefined;
  replicas: number;
  readyReplicas: number;
  /** What started the last update (e.g. "dev up", or changed files). */
  trigger: string[];
  updateStartedAt?: number | undefined;
  updateDurationMs?: number | undefined;
  forwards: ForwardState[];
  error?: ErrorReport | undefined;
  /** canary: the ingress traffic split (`weight` percent to `canary`, the rest to `stable`); no canary (weight 0): all on `stable`. */
  release?: ReleaseSplit | undefined;
}

export interface ReleaseSplit {
  stable: "blue" | "green";
  canary?: "blue" | "green" | undefined;
  weight: number;
}

export interface IngressState {
  status: "installing" | "ready" | "unreachable" | "failed";
  message: string;
  /** Each route's URL and the service it reaches. */
  routes: Array<{ url: string; service: string }>;
}

export interface EngineState {
  project: string;
  environment: string;
  namespace: string;
  cluster: { name: string; context?: string | undefined; status: "unknown" | "creating" | "ready" | "failed"; message?: string | undefined };
  services: Record<string, ServiceState>;
  /** The ingress controller devup installs (kind clusters with routes); absent otherwise. */
  ingress?: IngressState | undefined;
}

export type Action =
  | { type: "cluster"; status: EngineState["cluster"]["status"]; context?: string | undefined; message?: string | undefined; durationMs?: number | undefined }
  | { type: "phase"; service: string; phase: Phase; message?: string | undefined }
  | { type: "update-start"; service: string; trigger: string[]; at: number }
  | { type: "build"; service: string; action: "built" | "skipped" | "failed"; image: string; durationMs: number }
  | { type: "build-line"; service: string; line: string }
  | { type: "delivery"; service: string; action: "delivered" | "skipped"; image: string; method?: string | undefined; durationMs: number }
  | { type: "applied"; service: string; objects: number }
  | { type: "pruned"; objects: string[] }
  | { type: "replicas"; service: string; ready: number; desired: number }
  | { type: "ready"; service: string; at: number }
  | { type: "failed"; service: string; error: ErrorReport }
  | { type: "forward"; service: string; forward: ForwardState }
  /** `restarted`: a sync rule restarted the process after the copy. */
  | { type: "synced"; service: string; files: string[]; pods: number; durationMs: number; restarted?: boolean | undefined }
  /** A container crashed right after a sync: the synced files that likely caused it, and its last lines. */
  | { type: "crashed"; service: string; files: string[]; pods: string[]; exitCode?: number | undefined; logs: string[] }
  | { type: "spec-invalid"; errors: string[] }
  /** The spec loads again after an invalid edit (`files`: the edit that fixed it). */
  | { type: "spec-valid"; files: string[] }
  /** The spec was edited: services added to it start pending, removed ones leave the state. */
  | { type: "services"; services: Array<{ name: string; replicas: number }> }
  | { type: "log"; level: "info" | "warn" | "error"; message: string }
  /** canary: the ingress traffic split changed (a step; `canary` absent: all traffic on `stable`, the release done or sent back). */
  | ({ type: "release"; service: string } & ReleaseSplit)
  | ({ type: "ingress"; durationMs?: number | undefined; error?: ErrorReport | undefined } & IngressState);

export function initialState(project: string, environment: string, namespace: string, cluster: string, services: ReadonlyArray<{ name: string; replicas: number }>): EngineState {
  return {
    project,
    environment,
    namespace,
    cluster: { name: cluster, status: "unknown" },
    services: Object.fromEntries(
      services.map((s) => [s.name, { name: s.name, phase: "pending", replicas: s.replicas, readyReplicas: 0, trigger: [], forwards: [] }]),
    ),
  };
}

/** "crashed after the sync of …": the one sentence the printer, the screen and the state's error share. */
export function crashMessage(action: Extract<Action, { type: "crashed" }>): string {
  const files = `${action.files.slice(0, 3).join(", ")}${action.files.length > 3 ? ` and ${action.files.length - 3} more` : ""}`;
  const how = action.exitCode === undefined ? "crashed" : `crashed (exit code ${action.exitCode})`;
  return `${action.pods.length === 1 ? `pod ${action.pods[0]}` : `pods ${action.pods.join(", ")}`} ${how} right after the sync of ${files}`;
}

function updateService(state: EngineState, name: string, change: (s: ServiceState) => ServiceState): EngineState {
  const current = state.services[name];
  if (!current) return state;
  return { ...state, services: { ...state.services, [name]: change(current) } };
}

export function reduce(state: EngineState, action: Action): EngineState {
  switch (action.type) {
    case "cluster":
      return { ...state, cluster: { ...state.cluster, status: action.status, context: action.context ?? state.cluster.context, message: action.message } };
    case "phase":
      return updateService(state, action.service, (s) => ({ ...s, phase: action.phase }));
    case "update-start":
      return updateService(state, action.service, (s) => ({ ...s, trigger: action.trigger, updateStartedAt: action.at, updateDurationMs: undefined, error: undefined }));
    case "build":
      return updateService(state, action.service, (s) => ({ ...s, image: action.image, build: { action: action.action, durationMs: action.durationMs } }));
    case "delivery":
      return updateService(state, action.service, (s) => ({ ...s, image: action.image, delivery: { action: action.action, method: action.method, durationMs: action.durationMs } }));
    case "replicas":
      // The spec says how many replicas are wanted; progress reports only how many are ready.
      return updateService(state, action.service, (s) => ({ ...s, readyReplicas: action.ready }));
    case "ready":
      return updateService(state, action.service, (s) => ({
        ...s,
        phase: "ready",
        readyReplicas: s.replicas,
        updateDurationMs: s.updateStartedAt === undefined ? undefined : action.at - s.updateStartedAt,
      }));
    case "failed":
      return updateService(state, action.service, (s) => ({ ...s, phase: "failing", error: action.error }));
    case "forward":
      return updateService(state, action.service, (s) => ({
        ...s,
        forwards: [...s.forwards.filter((f) => f.localPort !== action.forward.localPort), action.forward].sort((a, b) => a.localPort - b.localPort),
      }));
    case "services": {
      const fresh = initialState(state.project, state.environment, state.namespace, state.cluster.name, action.services).services;
      const services = Object.fromEntries(
        Object.entries(fresh).map(([name, s]) => {
          const old = state.services[name];
          return [name, old ? { ...old, replicas: s.replicas } : s];
        }),
      );
      return { ...state, services };
    }
    case "synced":
      return updateService(state, action.service, (s) => ({
        ...s,
        phase: "ready",
        updateDurationMs: s.updateStartedAt === undefined ? undefined : action.durationMs,
      }));
    case "crashed":
      return updateService(state, action.service, (s) => ({
        ...s,
        phase: "failing",
        error: {
          code: ErrorCodes.rollout.code,
          message: crashMessage(action),
          details: action.logs,
          hint: "fix the file: the fix is synced at once (pods in crash back-off are replaced); until then the restarted pods run the image's code",
          exitCode: ErrorCodes.rollout.exit,
        },
      }));
    case "release":
      return updateService(state, action.service, (s) => ({ ...s, release: { stable: action.stable, ...(action.canary ? { canary: action.canary } : {}), weight: action.weight } }));
    case "ingress":
      return { ...state, ingress: { status: action.status, message: action.message, routes: action.routes } };
    case "build-line":
    case "spec-invalid":
    case "spec-valid":
    case "applied":
    case "pruned":
    case "log":
      return state;
  }
}
