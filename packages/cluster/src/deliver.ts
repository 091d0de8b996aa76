/**
 * Image delivery: make built images available to the cluster's nodes, and say what each image is
 * called there (the reference manifests must use).
 *
 * kind, with a local registry (fast path): the image is pushed to localhost:<port> — only layers
 * the registry lacks move — and each node pulls it, fetching only layers it lacks.
 * kind, without one (fallback): `kind load docker-image`, which copies the whole image.
 * Either way an image a node already has is skipped. devup's tags are content hashes, so "the
 * node has this reference" means "the node has this content"; mutable tags (":latest") would
 * need a forced reload.
 * A context cluster: push to its registry.
 */
import { DevupError, errorMessage, isDevupError } from "@devup/errors";
import Docker from "dockerode";
import { run } from "./exec.ts";
import { kindNodes } from "./kind.ts";
import { CERTS_D } from "./kind-config.ts";
import { nodeImages, pullOnNode } from "./node.ts";
import { pushViaCli, pushViaEngine } from "./push.ts";
import { normalizeImageRef, registryImageRef } from "./refs.ts";
import { registryHost, wireRegistry } from "./registry.ts";
import type { Cluster, ContextCluster, KindCluster, LocalRegistry } from "./types.ts";

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

export async function deliverImages(cluster: Cluster, images: readonly string[], options: DeliverOptions = {}): Promise<DeliveryResult[]> {
  return cluster.provider === "kind" ? deliverToKind(cluster, images, options) : deliverToContext(cluster, images, options);
}

async function deliverToKind(cluster: KindCluster, images: readonly string[], options: DeliverOptions): Promise<DeliveryResult[]> {
  const emit = options.onEvent ?? (() => {});
  const nodes = await kindNodes(cluster.name, cluster);
  if (nodes.length === 0) {
    throw new DevupError("cluster", `the kind cluster ${cluster.name} is gone (no node containers): was it deleted, or is Docker restarting?`, {
      hint: "start dev up again: it creates the cluster and deploys everything (`kind get clusters` lists the clusters)",
    });
  }
  let registry = options.registry === undefined ? cluster.registry : (options.registry ?? undefined);
  if (registry) {
    const name = registry.name;
    const wiring = await wireRegistry(nodes, registry).catch((error: unknown) => ({ ok: false as const, reason: undefined, error }));
    if (!wiring.ok) {
      emit({
        type: "deliver-fallback",
        reason: wiring.reason
          ? `not using the local registry: ${wiring.reason}; recreate the cluster to use it`
          : `not using the local registry (container ${name}): ${"error" in wiring ? errorMessage(wiring.error) : "unreachable"}; loading with kind load instead. Start it with \`docker start ${name}\` (dev up does) so only new layers move`,
      });
      registry = undefined;
    }
  }
  const method: DeliveryMethod = registry ? "registry" : "kind-load";
  const refOf = (image: string): string => (registry ? registryImageRef(image, registryHost(registry)) : image);

  // What every node already has.
  const perNode = await Promise.all(nodes.map((n) => nodeImages(n)));
  const onAll = (ref: string): boolean => perNode.every((set) => set.has(normalizeImageRef(ref)));

  const results: DeliveryResult[] = [];
  const missing: string[] = [];
  for (const image of unique(images)) {
    const ref = refOf(image);
    if (onAll(ref)) {
      emit({ type: "deliver-skip", image, ref });
      results.push({ image, ref, action: "present", method, durationMs: 0 });
    } else {
      missing.push(image);
    }
  }

  const kindLoad = async (toLoad: readonly string[]): Promise<void> => {
    // One `kind load` for all of them: shared layers go over once.
    const started = performance.now();
    for (const image of toLoad) emit({ type: "deliver-start", image, ref: image, method: "kind-load" });
    let error: DevupError | undefined;
    try {
      await run(cluster.kind, ["load", "docker-image", "--name", cluster.name, ...toLoad], {
        what: `load ${toLoad.length === 1 ? toLoad[0] : `${toLoad.length} images`} into the kind cluster ${cluster.name}`,
        kind: "cluster",
        hint: "Is the image built (`docker image ls`) and the cluster running (`kind get clusters`)?",
        timeoutMs: 30 * 60_000,
        onLine: (line) => {
          for (const image of toLoad) emit({ type: "deliver-line", image, line });
        },
      });
    } catch (cause) {
      error = asClusterError(cause);
    }
    const durationMs = Math.round(performance.now() - started);
    for (const image of toLoad) {
      if (error) {
        emit({ type: "deliver-fail", image, ref: image, method: "kind-load", error });
        results.push({ image, ref: image, action: "failed", method: "kind-load", durationMs, error });
      } else {
        emit({ type: "deliver-done", image, ref: image, method: "kind-load", durationMs });
        results.push({ image, ref: image, action: "delivered", method: "kind-load", durationMs });
      }
    }
  };

  if (registry) {
    const docker = options.docker ?? new Docker();
    const failed: Array<{ image: string; error: DevupError }> = [];
    for (const image of missing) {
      const ref = refOf(image);
      const result = await deliverOne(image, ref, method, emit, async (onLine) => {
        await pushViaEngine(docker, image, ref, onLine);
        const need = nodes.filter((_, i) => !perNode[i]!.has(normalizeImageRef(ref)));
        await Promise.all(need.map((node) => pullOnNode(node, ref, CERTS_D, onLine)));
      });
      if (result.action === "failed" && result.error) failed.push({ image, error: result.error });
      else results.push(result);
    }
    if (failed.length) {
      // The registry stopped or refused: the images still reach the nodes, the slow way; the next
      // delivery tries the registry again.
      emit({
        type: "deliver-fallback",
        reason: `the local registry (container ${registry.name}) did not take ${failed.map((f) => f.image).join(", ")} (${failed[0]!.error.message}); loading ${failed.length === 1 ? "it" : "them"} with kind load instead. Start the registry again with \`docker start ${registry.name}\` (dev up does) so only new layers move`,
      });
      await kindLoad(failed.map((f) => f.image));
    }
  } else if (missing.length > 0) {
    await kindLoad(missing);
  }
  return order(results, images);
}

async function deliverToContext(cluster: ContextCluster, images: readonly string[], options: DeliverOptions): Promise<DeliveryResult[]> {
  const emit = options.onEvent ?? (() => {});
  const results: DeliveryResult[] = [];
  for (const image of unique(images)) {
    const ref = registryImageRef(image, cluster.registry);
    results.push(await deliverOne(image, ref, "push", emit, (onLine) => pushViaCli(image, ref, onLine)));
  }
  return order(results, images);
}

async function deliverOne(
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

function asClusterError(cause: unknown): DevupError {
  if (isDevupError(cause)) return cause;
  return new DevupError("cluster", `image delivery failed: ${errorMessage(cause)}`, { cause });
}

function unique(images: readonly string[]): string[] {
  return [...new Set(images)];
}

/** Results in the order the images were asked for (one per distinct image). */
function order(results: DeliveryResult[], images: readonly string[]): DeliveryResult[] {
  const by = new Map(results.map((r) => [r.image, r]));
  return unique(images).map((i) => by.get(i)!);
}
