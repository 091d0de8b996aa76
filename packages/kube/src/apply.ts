/**
 * Server-side apply of devup's objects: Namespaces first, then in the order given, one request
 * per object, each reported as created, configured or unchanged.
 */
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
    const before = await readCurrent(kube, object);
    const result = { kind: object.kind, name: object.metadata.name, namespace: object.metadata.namespace };
    if (dryRun && before === undefined && object.metadata.namespace !== undefined && dryRunNamespaces.has(object.metadata.namespace)) {
      results.push({ ...result, action: "created" });
      continue;
    }
    let after: Snapshot;
    try {
      after = await kube.objects.patch(object, undefined, dryRun ? "All" : undefined, fieldManager, force, PatchStrategy.ServerSideApply);
    } catch (error) {
      throw kubeError(`applying ${what}`, error, kube.server);
    }
    const action = applyAction(before, after, dryRun);
    if (dryRun && object.kind === "Namespace" && action === "created") dryRunNamespaces.add(object.metadata.name);
    results.push({ ...result, action });
  }
  return results;
}
