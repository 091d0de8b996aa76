/**
 * blueGreen releases on the cluster: which slot a Service selects now, the release that slot runs,
 * a check of a release through its preview Service before any traffic reaches it, and the switch.
 */
import { request } from "node:http";
import { PatchStrategy } from "./k8s.ts";
import { httpStatus, kubeError } from "./api-error.ts";
import { forwardService } from "./forward.ts";
import type { Kube } from "./kube.ts";

const SLOT_LABEL = "devup.dev/slot";
const TEMPLATE_ANNOTATION = "devup.dev/template";

export type Slot = "blue" | "green";

/** The slot the Service selects and the release (template hash) its Deployment runs; undefined when the Service is not there or selects no slot. */
export async function liveSlot(kube: Kube, namespace: string, service: string): Promise<{ slot: Slot; template?: string | undefined } | undefined> {
  let slot: string | undefined;
  try {
    const svc = await kube.core.readNamespacedService({ name: service, namespace });
    slot = svc.spec?.selector?.[SLOT_LABEL];
  } catch (error) {
    if (httpStatus(error) === 404) return undefined;
    throw kubeError(`reading Service ${namespace}/${service}`, error, kube.server);
  }
  if (slot !== "blue" && slot !== "green") return undefined;
  try {
    const d = await kube.apps.readNamespacedDeployment({ name: `${service}-${slot}`, namespace });
    return { slot, template: d.metadata?.annotations?.[TEMPLATE_ANNOTATION] };
  } catch (error) {
    if (httpStatus(error) === 404) return { slot };
    throw kubeError(`reading Deployment ${namespace}/${service}-${slot}`, error, kube.server);
  }
}

/** One GET of `path` through Service `service` (a forward of its own, to a ready pod it selects); resolves on 2xx/3xx, throws what came back otherwise. */
export async function checkService(kube: Kube, namespace: string, service: string, port: string, path: string, timeoutMs = 10_000): Promise<void> {
  const forward = await forwardService(kube, { namespace, service, port, localPort: 0, readyTimeoutMs: timeoutMs });
  try {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: forward.localPort, path, method: "GET", timeout: timeoutMs, agent: false }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      });
      req.on("timeout", () => req.destroy(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`)));
      req.on("error", reject);
      req.end();
    });
    if (status >= 400 || status < 200) throw new Error(`HTTP ${status}`);
  } finally {
    await forward.close();
  }
}

/** Points the Service at `slot` (the switch; `dev promote`): a merge of its selector. */
export async function selectSlot(kube: Kube, namespace: string, service: string, slot: Slot): Promise<void> {
  try {
    await kube.objects.patch({ apiVersion: "v1", kind: "Service", metadata: { name: service, namespace }, spec: { selector: { [SLOT_LABEL]: slot } } }, undefined, undefined, "devup", undefined, PatchStrategy.MergePatch);
  } catch (error) {
    throw kubeError(`switching Service ${namespace}/${service} to ${slot}`, error, kube.server);
  }
}

/** Scales a slot's Deployment (`dev abort`: to 0). */
export async function scaleSlot(kube: Kube, namespace: string, service: string, slot: Slot, replicas: number): Promise<void> {
  try {
    await kube.objects.patch({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: `${service}-${slot}`, namespace }, spec: { replicas } }, undefined, undefined, "devup", undefined, PatchStrategy.MergePatch);
  } catch (error) {
    throw kubeError(`scaling Deployment ${namespace}/${service}-${slot}`, error, kube.server);
  }
}
