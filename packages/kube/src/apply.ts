/**
 * Server-side apply of devup's objects: Namespaces first, then in the order given, one request
 * per object, each reported as created, configured or unchanged.
 */
import { forTypedModel } from "./crd-schema.ts";
import { DevupError } from "@devup/errors";
import { PatchStrategy } from "./k8s.ts";
import { describeObject, httpStatus, kubeError } from "./api-error.ts";
import type { Kube } from "./kube.ts";
import type { KubeObject } from "./types.ts";

export type ApplyAction = "created" | "configured" | "unchanged";

export interface ApplyResult {
  kind: string;
  name: string;
  namespace?: string | undefined;
  action: ApplyAction;
}

export interface ApplyOptions {
  /** The field manager that owns what devup applies (default "devup"). */
  fieldManager?: string;
  /** Validate and compute the result on the server without persisting anything. */
  dryRun?: boolean;
  /** Take over fields other managers own (default true: devup's spec is the source of truth). */
  force?: boolean;
  /**
   * A Namespace of the batch still being deleted (an earlier `dev down`, `kubectl delete`) cannot take
   * new objects: the apply waits up to this long for it to be gone (default 120 s), then creates it anew.
   */
  terminatingWaitMs?: number;
  /** Told once when the apply starts waiting for a Namespace that is being deleted. */
  onWait?: (message: string) => void;
}

const terminating = (object: Snapshot | undefined): boolean => object !== undefined && metadataOf(object).deletionTimestamp != null;

/** Waits until a Namespace being deleted is gone; throws a DevupError when it outlives `waitMs`. */
async function awaitNamespaceGone(kube: Kube, object: KubeObject, waitMs: number, onWait: ((message: string) => void) | undefined): Promise<void> {
  const name = object.metadata.name;
  onWait?.(`namespace ${name} is still being deleted (an earlier dev down or kubectl delete); waiting up to ${Math.round(waitMs / 1000)} s for it to go before creating it again`);
  const deadline = Date.now() + waitMs;
  while (terminating(await readCurrent(kube, object))) {
    if (Date.now() >= deadline) {
      throw new DevupError("kube", `namespace ${name} is still being deleted after ${Math.round(waitMs / 1000)} s, so nothing can be created in it`, {
        hint: `something holds it (a finalizer of an object in it): kubectl get namespace ${name} -o yaml shows its conditions; run the command again once it is gone`,
      });
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Namespaces first (they must exist before what lives in them), everything else in the given order. */
export function applyOrder<T extends { kind: string }>(objects: readonly T[]): T[] {
  return [...objects.filter((o) => o.kind === "Namespace"), ...objects.filter((o) => o.kind !== "Namespace")];
}

/** An object as the API returned it (typed client classes or plain JSON alike). */
type Snapshot = object;

function metadataOf(object: Snapshot): Record<string, unknown> {
  return ((object as { metadata?: Record<string, unknown> }).metadata ?? {});
}

function content(object: Snapshot): string {
  const { managedFields: _m, resourceVersion: _r, generation: _g, ...metadata } = metadataOf(object);
  return JSON.stringify({ ...object, metadata });
}

/**
 * What an apply did, from the object before and after. A real apply bumps resourceVersion only
 * when something changed; a dry run never does, so there the contents are compared.
 */
export function applyAction(before: Snapshot | undefined, after: Snapshot, dryRun: boolean): ApplyAction {
  if (!before) return "created";
  const changed = dryRun ? content(before) !== content(after) : metadataOf(before).resourceVersion !== metadataOf(after).resourceVersion;
  return changed ? "configured" : "unchanged";
}

async function readCurrent(kube: Kube, object: KubeObject): Promise<Snapshot | undefined> {
  try {
    const header = { apiVersion: object.apiVersion, kind: object.kind, metadata: { name: object.metadata.name, namespace: object.metadata.namespace } };
    return await kube.objects.read(header);
  } catch (error) {
    if (httpStatus(error) === 404) return undefined;
    throw kubeError(`reading ${describeObject(object)}`, error, kube.server);
  }
}

export async function applyObjects(kube: Kube, objects: readonly KubeObject[], options: ApplyOptions = {}): Promise<ApplyResult[]> {
  const fieldManager = options.fieldManager ?? "devup";
  const dryRun = options.dryRun ?? false;
  const force = options.force ?? true;
  const results: ApplyResult[] = [];
  // In a dry run nothing is created, so objects in a namespace that this same batch would create
  // cannot be checked by the server; they are reported as "created".
  const dryRunNamespaces = new Set<string>();

  for (const object of applyOrder(objects)) {
    const what = describeObject(object);
    let before = await readCurrent(kube, object);
    if (!dryRun && object.kind === "Namespace" && terminating(before)) {
      await awaitNamespaceGone(kube, object, options.terminatingWaitMs ?? 120_000, options.onWait);
      before = undefined;
    }
    const result = { kind: object.kind, name: object.metadata.name, namespace: object.metadata.namespace };
    if (dryRun && before === undefined && object.metadata.namespace !== undefined && dryRunNamespaces.has(object.metadata.namespace)) {
      results.push({ ...result, action: "created" });
      continue;
    }
    let after: Snapshot;
    try {
      after = await kube.objects.patch(forTypedModel(object), undefined, dryRun ? "All" : undefined, fieldManager, force, PatchStrategy.ServerSideApply);
    } catch (error) {
      throw kubeError(`applying ${what}`, error, kube.server);
    }
    const action = applyAction(before, after, dryRun);
    if (dryRun && object.kind === "Namespace" && action === "created") dryRunNamespaces.add(object.metadata.name);
    results.push({ ...result, action });
  }
  return results;
}
