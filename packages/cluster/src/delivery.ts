/**
 * What every provider's image delivery shares: the result and event shapes, one image's
 * start/done/fail bookkeeping, and the order of results. Delivery makes built images available to
 * the cluster's nodes and says what each image is called there (the reference manifests must use).
 * devup's tags are content hashes, so "the node has this reference" means "the node has this
 * content"; mutable tags (":latest") would need a forced reload.
 */
import { DevupError, errorMessage, isDevupError } from "@devup/errors";
import type Docker from "dockerode";
import type { LocalRegistry } from "./types.ts";

export type DeliveryMethod = "registry" | "kind-load" | "push";

export interface DeliveryResult {
  /** The local image reference asked for. */
  image: string;
  /** What the cluster calls it: use this in manifests. */
  ref: string;
  action: "present" | "delivered" | "failed";
  method: DeliveryMethod;
  durationMs: number;
  error?: DevupError;
}

export type DeliveryEvent =
  | { type: "deliver-skip"; image: string; ref: string }
  | { type: "deliver-start"; image: string; ref: string; method: DeliveryMethod }
  | { type: "deliver-line"; image: string; line: string }
  | { type: "deliver-done"; image: string; ref: string; method: DeliveryMethod; durationMs: number }
  | { type: "deliver-fail"; image: string; ref: string; method: DeliveryMethod; error: DevupError }
  | { type: "deliver-fallback"; reason: string };

export interface DeliverOptions {
  /** Engine client for pushes (default: a new connection from DOCKER_HOST). */
  docker?: Docker | undefined;
  /** For kind: the local registry to use; default the cluster's; null forces `kind load`. */
  registry?: LocalRegistry | null | undefined;
  onEvent?: ((event: DeliveryEvent) => void) | undefined;
}

export async function deliverOne(
  image: string,
  ref: string,
  method: DeliveryMethod,
  emit: (e: DeliveryEvent) => void,
  work: (onLine: (line: string) => void) => Promise<void>,
): Promise<DeliveryResult> {
  const started = performance.now();
  emit({ type: "deliver-start", image, ref, method });
  try {
    await work((line) => emit({ type: "deliver-line", image, line }));
    const durationMs = Math.round(performance.now() - started);
    emit({ type: "deliver-done", image, ref, method, durationMs });
    return { image, ref, action: "delivered", method, durationMs };
  } catch (cause) {
    const error = asClusterError(cause);
    emit({ type: "deliver-fail", image, ref, method, error });
    return { image, ref, action: "failed", method, durationMs: Math.round(performance.now() - started), error };
  }
}

export function asClusterError(cause: unknown): DevupError {
  if (isDevupError(cause)) return cause;
  return new DevupError("cluster", `image delivery failed: ${errorMessage(cause)}`, { cause });
}

export function unique(images: readonly string[]): string[] {
  return [...new Set(images)];
}

/** Results in the order the images were asked for (one per distinct image). */
export function order(results: DeliveryResult[], images: readonly string[]): DeliveryResult[] {
  const by = new Map(results.map((r) => [r.image, r]));
  return unique(images).map((i) => by.get(i)!);
}
