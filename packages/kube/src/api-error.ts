/**
 * Turning what the Kubernetes client throws (an ApiException carrying a Status body, or a network
 * error) into a DevupError that names the object and says what the API server said.
 */
import { DevupError, errorMessage, isDevupError } from "@devup/errors";

interface StatusCause {
  field?: string;
  reason?: string;
  message?: string;
}

/** The parts of a Kubernetes `Status` that explain a failed request. */
interface ApiStatus {
  code: number;
  reason?: string;
  message?: string;
  causes: StatusCause[];
}

interface ErrorLike {
  code?: unknown;
  statusCode?: unknown;
  body?: unknown;
  cause?: unknown;
  message?: unknown;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
}

function parseBody(body: unknown): Record<string, unknown> | undefined {
  if (typeof body === "string") {
    try {
      return asRecord(JSON.parse(body));
    } catch {
      return body.trim() ? { message: body.trim() } : undefined;
    }
  }
  return asRecord(body);
}

/** The HTTP status of a failed API call, if it got that far. */
export function httpStatus(error: unknown): number | undefined {
  const e = asRecord(error) as ErrorLike | undefined;
  if (!e) return undefined;
  if (typeof e.code === "number") return e.code;
  if (typeof e.statusCode === "number") return e.statusCode;
  return undefined;
}

/** The Status the API server returned with a failed call, or undefined for other errors. */
function apiStatus(error: unknown): ApiStatus | undefined {
  const code = httpStatus(error);
  if (code === undefined) return undefined;
  const body = parseBody((error as ErrorLike).body);
  const details = asRecord(body?.details);
  const causes = Array.isArray(details?.causes) ? (details.causes as unknown[]).map((c) => (asRecord(c) ?? {}) as StatusCause) : [];
  return {
    code,
    ...(typeof body?.reason === "string" ? { reason: body.reason } : {}),
    ...(typeof body?.message === "string" ? { message: body.message } : {}),
    causes,
  };
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EHOSTUNREACH", "ETIMEDOUT", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_SOCKET", "EPIPE"]);

/** The errno-style code of a network failure anywhere in the cause chain (fetch wraps them; a WebSocket ErrorEvent holds it in `error`). */
export function networkCode(error: unknown): string | undefined {
  for (let e = asRecord(error) as (ErrorLike & { error?: unknown }) | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return e.code;
    e = asRecord(e.cause ?? e.error);
  }
  return undefined;
}

function messageOf(error: unknown): string {
  return errorMessage(error);
}

/**
 * A DevupError("kube") for a failed call about `what` (e.g. "Deployment shop/users"). A 422's
 * field causes become detail lines "<field path>: <message>", so callers can map them to the spec.
 */
export function kubeError(what: string, error: unknown, server?: string): DevupError {
  if (isDevupError(error)) return error;
  const net = networkCode(error);
  if (net) {
    return new DevupError("kube", `${what}: could not reach the Kubernetes API${server ? ` at ${server}` : ""} (${net})`, {
      hint: "is the cluster running? dev up creates or starts it; for kind, `kind get clusters` lists the clusters",
      cause: error,
    });
  }
  const status = apiStatus(error);
  if (!status) return new DevupError("kube", `${what}: ${messageOf(error)}`, { cause: error });

  const said = status.message ?? status.reason ?? `HTTP ${status.code}`;
  const details = status.causes.map((c) => [c.field, c.message ?? c.reason].filter(Boolean).join(": ")).filter((line) => line !== "");
  const hint =
    status.code === 401 || status.code === 403
      ? "the kubeconfig user is not allowed to do this: check its credentials and RBAC permissions"
      : status.code === 409
        ? "another field manager owns these fields; devup applies with force by default"
        : status.code === 422
          ? "the object is invalid: the fields above name what to change in the spec"
          : undefined;
  return new DevupError("kube", `${what}: ${said}`, { hint, details, cause: error });
}

/** "Deployment shop/users", "Namespace shop". */
export function describeObject(object: { kind?: string | undefined; metadata?: { name?: string | undefined; namespace?: string | undefined } | undefined }): string {
  const name = object.metadata?.name ?? "<unnamed>";
  const ns = object.metadata?.namespace;
  return `${object.kind ?? "object"} ${ns ? `${ns}/` : ""}${name}`;
}
