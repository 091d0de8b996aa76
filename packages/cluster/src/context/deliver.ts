/** Image delivery to a context cluster: `docker push` to the registry it pulls from. */
import { deliverOne, order, unique, type DeliverOptions, type DeliveryResult } from "../delivery.ts";
import { pushViaCli } from "../push.ts";
import { registryImageRef } from "../refs.ts";
import type { ContextCluster } from "./cluster.ts";

export async function deliverToContext(cluster: ContextCluster, images: readonly string[], options: DeliverOptions = {}): Promise<DeliveryResult[]> {
  const emit = options.onEvent ?? (() => {});
  const results: DeliveryResult[] = [];
  for (const image of unique(images)) {
    const ref = registryImageRef(image, cluster.registry);
    results.push(await deliverOne(image, ref, "push", emit, (onLine) => pushViaCli(image, ref, onLine)));
  }
  return order(results, images);
}

