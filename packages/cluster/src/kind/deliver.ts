/**
 * Image delivery into a kind cluster. With a local registry (fast path) the image is pushed to
 * localhost:<port> — only layers the registry lacks move — and each node pulls it, fetching only
 * layers it lacks. Without one (fallback): `kind load docker-image`, which copies the whole image.
 * Either way an image every node already has is skipped.
 */
import { DevupError, errorMessage } from "@devup/errors";
import Docker from "dockerode";
import { asClusterError, deliverOne, order, unique, type DeliverOptions, type DeliveryMethod, type DeliveryResult } from "../delivery.ts";
import { run } from "../exec.ts";
import { pushViaEngine } from "../push.ts";
import { normalizeImageRef, registryImageRef } from "../refs.ts";
import { kindNodes, type KindCluster } from "./cluster.ts";
import { CERTS_D } from "./config.ts";
import { nodeImages, pullOnNode } from "./node.ts";
import { registryHost, wireRegistry } from "./registry.ts";

export async function deliverToKind(cluster: KindCluster, images: readonly string[], options: DeliverOptions = {}): Promise<DeliveryResult[]> {
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

