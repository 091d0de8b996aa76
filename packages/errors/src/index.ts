/**
 * devup's one errors module: every failure a user can act on is a DevupError with a stable
 * `code`, a message that says what went wrong, and a `hint` that says what to do next.
 * The CLI's top-level handler maps codes to exit codes; anything that is not a DevupError
 * is reported as an internal error with a bug-report hint.
 */

export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  invalidInput: 3,
  internal: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Stable error codes. Never renumber or rename: scripts match on them. */
export const ErrorCodes = {
  usage: { code: "E_USAGE", exit: ExitCode.usage },
  specInvalid: { code: "E_SPEC_INVALID", exit: ExitCode.invalidInput },
  specNotFound: { code: "E_SPEC_NOT_FOUND", exit: ExitCode.invalidInput },
  composeInvalid: { code: "E_COMPOSE_INVALID", exit: ExitCode.invalidInput },
  fileExists: { code: "E_FILE_EXISTS", exit: ExitCode.failure },
  notFound: { code: "E_NOT_FOUND", exit: ExitCode.failure },
  writeFailed: { code: "E_WRITE_FAILED", exit: ExitCode.failure },
  command: { code: "E_COMMAND_FAILED", exit: ExitCode.failure },
  docker: { code: "E_DOCKER", exit: ExitCode.failure },
  build: { code: "E_BUILD_FAILED", exit: ExitCode.failure },
  cluster: { code: "E_CLUSTER", exit: ExitCode.failure },
  contextNotAllowed: { code: "E_CONTEXT_NOT_ALLOWED", exit: ExitCode.usage },
  kube: { code: "E_KUBE", exit: ExitCode.failure },
  rollout: { code: "E_ROLLOUT_FAILED", exit: ExitCode.failure },
  portInUse: { code: "E_PORT_IN_USE", exit: ExitCode.failure },
  timeout: { code: "E_TIMEOUT", exit: ExitCode.failure },
  testFailed: { code: "E_TEST_FAILED", exit: ExitCode.failure },
  /** `dev drill`: requests failed while the service was disrupted, or it did not come back to full strength. */
  drillFailed: { code: "E_DRILL_FAILED", exit: ExitCode.failure },
  /** `helm template` / `kubectl kustomize` refused the user's chart or overlay, or its YAML is not Kubernetes objects. */
  renderFailed: { code: "E_RENDER_FAILED", exit: ExitCode.invalidInput },
  internal: { code: "E_INTERNAL", exit: ExitCode.internal },
} as const;
export type ErrorKind = keyof typeof ErrorCodes;

export interface DevupErrorOptions {
  /** What the user can do about it. */
  hint?: string | undefined;
  /** Extra lines shown under the message (e.g. a list of diagnostics, a command's output tail). */
  details?: readonly string[] | undefined;
  cause?: unknown;
}

export class DevupError extends Error {
  readonly kind: ErrorKind;
  readonly hint: string | undefined;
  readonly details: readonly string[];

  constructor(kind: ErrorKind, message: string, options: DevupErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "DevupError";
    this.kind = kind;
    this.hint = options.hint;
    this.details = options.details ?? [];
  }

  get code(): string {
    return ErrorCodes[this.kind].code;
  }

  get exitCode(): ExitCode {
    return ErrorCodes[this.kind].exit;
  }
}

export function isDevupError(error: unknown): error is DevupError {
  return error instanceof DevupError;
}

const BUG_REPORT_HINT =
  "This is a bug in devup. Please report it with the command you ran and this output (run again with DEVUP_DEBUG=1 for a stack trace).";

/** A plain, JSON-friendly view of any thrown value: what the CLI prints and what NDJSON carries. */
export interface ErrorReport {
  code: string;
  message: string;
  hint?: string;
  details: readonly string[];
  exitCode: ExitCode;
  stack?: string;
}

export function toErrorReport(error: unknown, debug = false): ErrorReport {
  if (isDevupError(error)) {
    return {
      code: error.code,
      message: error.message,
      ...(error.hint === undefined ? {} : { hint: error.hint }),
      details: error.details,
      exitCode: error.exitCode,
      ...(debug && error.stack ? { stack: error.stack } : {}),
    };
  }
  const message = errorMessage(error);
  return {
    code: ErrorCodes.internal.code,
    message: `internal error: ${message}`,
    hint: BUG_REPORT_HINT,
    details: [],
    exitCode: ExitCode.internal,
    ...(debug && error instanceof Error && error.stack ? { stack: error.stack } : {}),
  };
}

/**
 * One line of text for anything thrown or rejected: an Error's message, a string as it is, the
 * message or nested error of an error-like object (a WebSocket ErrorEvent, an API client's error),
 * its code, or a short JSON form — never "[object Object]".
 */
export function errorMessage(error: unknown, depth = 0): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === "string") return error || "an error without a message";
  if (error === null || error === undefined) return "an unknown error";
  if (typeof error === "symbol") return error.toString();
  if (typeof error === "number" || typeof error === "boolean" || typeof error === "bigint") return String(error);
  if (typeof error !== "object") return "an unknown error";
  const o = error as { message?: unknown; error?: unknown; reason?: unknown; code?: unknown; type?: unknown; status?: unknown };
  if (typeof o.message === "string" && o.message) return o.message;
  if (depth < 3 && o.error !== undefined && o.error !== error) return errorMessage(o.error, depth + 1);
  if (typeof o.reason === "string" && o.reason) return o.reason;
  if (typeof o.code === "string" || typeof o.code === "number") return `error ${String(o.code)}`;
  try {
    const json = JSON.stringify(error);
    if (json && json !== "{}") return json.length > 200 ? `${json.slice(0, 200)}…` : json;
  } catch {
    // circular: fall through
  }
  const name = (error as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof o.type === "string" ? `a ${o.type} event` : `an unknown error${typeof name === "string" && name !== "Object" ? ` (${name})` : ""}`;
}

/** Human text for an error report, as the CLI prints it to stderr. */
export function formatErrorReport(report: ErrorReport): string {
  const lines = [`error[${report.code}]: ${report.message}`];
  for (const d of report.details) lines.push(`  ${d}`);
  if (report.hint) lines.push(`hint: ${report.hint}`);
  if (report.stack) lines.push(report.stack);
  return lines.join("\n");
}

export { didYouMean } from "./suggest.ts";
