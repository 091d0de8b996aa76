/**
 * Deploy history in the cluster: one ConfigMap `devup-history-<service>` per service in its
 * namespace, one key per revision (`revision-<N>`, JSON). A revision holds what a rollback needs
 * to redeploy — the service's applied objects except its Secret — plus the image, hashes of the
 * config and the secrets, what triggered the deploy and how it ended. Secret values are never
 * stored: a rollback uses the current Secret.
 */
import { createHash, createHmac } from "node:crypto";
import { DevupError } from "@devup/errors";
import { httpStatus, kubeError } from "./api-error.ts";
import type { Kube } from "./kube.ts";
import type { KubeObject } from "./types.ts";

/** Revisions kept per service. */
export const HISTORY_LIMIT = 10;
/** ConfigMaps hold at most 1 MiB; older revisions are dropped before that. */
const MAX_BYTES = 900_000;
const KEY_PREFIX = "revision-";
/** The label that marks a history ConfigMap, valued with the service's name. */
const HISTORY_LABEL = "devup.dev/history-of";
/**
 * Not "devup": pruning and `dev down` select `managed-by=devup` and must not see the history as
 * an object the spec no longer wants. (`dev down` deletes the namespace, history included.)
 */
const HISTORY_MANAGER = "devup-history";

export type Outcome = "ready" | "failed";

export interface Revision {
  revision: number;
  /** When the deploy finished (ISO 8601). */
  at: string;
  image: string;
  /** Hash of the rendered ConfigMap data (absent without config). */
  configHash?: string | undefined;
  /** Hash of the Secret's data at the time; the values themselves are not kept. */
  secretHash?: string | undefined;
  /** What started the deploy: "dev up", "dev rollback to 3", or the changed files. */
  trigger: string[];
  outcome: Outcome;
  /** Why it failed, in one line. */
  message?: string | undefined;
  /** Hash of `objects`: equal digests deploy the same thing. */
  digest: string;
  /** The applied objects without the Secret: what a rollback applies again. */
  objects: KubeObject[];
}

export interface RecordRequest {
  /** The service's objects as applied (a Secret among them is hashed, not stored). */
  objects: readonly KubeObject[];
  trigger: readonly string[];
  outcome: Outcome;
  at: Date;
  message?: string | undefined;
  /** The project's key for secret hashes (`ResolvedProject.hashKey`); without it no secret hash is kept. */
  hashKey?: string | undefined;
}

export const historyName = (service: string): string => `devup-history-${service}`;

function hashEntries(data: Record<string, unknown> | undefined): string | undefined {
  if (!data) return undefined;
  const h = createHash("sha256");
  for (const [k, v] of Object.entries(data).sort(([a], [b]) => a.localeCompare(b))) h.update(`${k}\0${String(v)}\0`);
  return h.digest("hex").slice(0, 16);
}

/**
 * A keyed hash of a Secret's data, the same for the object devup applies and the one the API returns.
 * Keyed (HMAC with the machine's private key) so that the history ConfigMap, readable by more people
 * than the Secret, does not let a weak secret value be guessed offline.
 */
export function secretDataHash(
  secret: { data?: Record<string, string> | undefined; stringData?: Record<string, string> | undefined },
  hashKey: string | undefined,
): string | undefined {
  if (!hashKey) return undefined;
  const data: Record<string, string> = { ...secret.data };
  for (const [k, v] of Object.entries(secret.stringData ?? {})) data[k] = Buffer.from(v, "utf8").toString("base64");
  if (Object.keys(data).length === 0) return undefined;
  const h = createHmac("sha256", hashKey);
  for (const [k, v] of Object.entries(data).sort(([a], [b]) => a.localeCompare(b))) h.update(`${k}\0${v}\0`);
  return h.digest("hex").slice(0, 16);
}

/** The revision a set of applied objects makes (without number, time, trigger and outcome). */
function revisionContent(objects: readonly KubeObject[], hashKey: string | undefined): Pick<Revision, "image" | "configHash" | "secretHash" | "digest" | "objects"> {
  const kept = objects.filter((o) => o.kind !== "Secret" && o.kind !== "Namespace");
  const deployment = kept.find((o) => o.kind === "Deployment") as { spec?: { template?: { spec?: { containers?: Array<{ image?: string }> } } } } | undefined;
  const configMap = kept.find((o) => o.kind === "ConfigMap") as { data?: Record<string, string> } | undefined;
  const secret = objects.find((o) => o.kind === "Secret") as { data?: Record<string, string>; stringData?: Record<string, string> } | undefined;
  return {
    image: deployment?.spec?.template?.spec?.containers?.[0]?.image ?? "?",
    configHash: hashEntries(configMap?.data),
    secretHash: secret ? secretDataHash(secret, hashKey) : undefined,
    digest: createHash("sha256").update(JSON.stringify(kept)).digest("hex").slice(0, 16),
    objects: kept,
  };
}

/**
 * The history after one more deploy. Deploying what the newest revision already holds updates
 * that revision (time, trigger, outcome) instead of adding one, as Kubernetes reuses a ReplicaSet.
 */
export function appendRevision(history: readonly Revision[], request: RecordRequest): { history: Revision[]; revision: Revision } {
  const content = revisionContent(request.objects, request.hashKey);
  const sorted = [...history].sort((a, b) => a.revision - b.revision);
  const latest = sorted.at(-1);
  const entry = {
    at: request.at.toISOString(),
    trigger: request.trigger.slice(0, 20),
    outcome: request.outcome,
    ...(request.message ? { message: request.message.split("\n")[0]!.slice(0, 300) } : {}),
  };
  if (latest && latest.digest === content.digest) {
    const revision: Revision = { ...latest, ...content, ...entry, revision: latest.revision };
    if (!request.message) delete revision.message;
    return { history: [...sorted.slice(0, -1), revision], revision };
  }
  const revision: Revision = { revision: (latest?.revision ?? 0) + 1, ...content, ...entry };
  return { history: [...sorted, revision].slice(-HISTORY_LIMIT), revision };
}

/** The ConfigMap data for a history, dropping the oldest revisions while it is too large. */
function historyData(history: readonly Revision[]): Record<string, string> {
  let kept = [...history];
  for (;;) {
    const data = Object.fromEntries(kept.map((r) => [`${KEY_PREFIX}${r.revision}`, JSON.stringify(r)]));
    const size = Object.values(data).reduce((n, v) => n + v.length, 0);
    if (size <= MAX_BYTES || kept.length <= 1) return data;
    kept = kept.slice(1);
  }
}

export function parseHistory(data: Record<string, string> | undefined): Revision[] {
  const out: Revision[] = [];
  for (const [key, value] of Object.entries(data ?? {})) {
    if (!key.startsWith(KEY_PREFIX)) continue;
    try {
      const r = JSON.parse(value) as Revision;
      if (typeof r.revision === "number" && typeof r.digest === "string" && Array.isArray(r.objects)) out.push(r);
    } catch {
      // A damaged entry is skipped; the others still count.
    }
  }
  return out.sort((a, b) => a.revision - b.revision);
}

/**
 * What `dev rollback` redeploys: revision `to`, or the newest ready revision before the current
 * (newest) one that deploys something else. Throws a DevupError that says why there is none.
 */
export function rollbackTarget(history: readonly Revision[], service: string, to?: number): { current: Revision; target: Revision } {
  const current = history.at(-1);
  if (!current) {
    throw new DevupError("notFound", `nothing to roll back to: devup has no deploy history of ${service} here`, {
      hint: "devup records a revision each time dev up, dev apply or the watch loop deploys a service",
    });
  }
  if (to !== undefined) {
    const target = history.find((r) => r.revision === to);
    if (!target) {
      throw new DevupError("notFound", `${service} has no revision ${to}; it has ${history.map((r) => r.revision).join(", ")}`, {
        hint: `dev rollback ${service} --list shows them`,
      });
    }
    if (target.revision === current.revision) {
      throw new DevupError("usage", `revision ${to} is the current revision of ${service}; nothing to roll back`, { hint: `dev rollback ${service} --list shows the others` });
    }
    return { current, target };
  }
  const target = [...history].reverse().find((r) => r.revision < current.revision && r.outcome === "ready" && r.digest !== current.digest);
  if (!target) {
    throw new DevupError("notFound", `nothing to roll back to: ${service} has no ready revision before revision ${current.revision}`, {
      hint: `dev rollback ${service} --list shows its history`,
    });
  }
  return { current, target };
}

async function readConfigMap(kube: Kube, namespace: string, service: string): Promise<{ data?: Record<string, string>; metadata?: { resourceVersion?: string } } | undefined> {
  try {
    return await kube.core.readNamespacedConfigMap({ name: historyName(service), namespace });
  } catch (error) {
    if (httpStatus(error) === 404) return undefined;
    throw kubeError(`reading the deploy history of ${service}`, error, kube.server);
  }
}

export async function readHistory(kube: Kube, namespace: string, service: string): Promise<Revision[]> {
  return parseHistory((await readConfigMap(kube, namespace, service))?.data);
}

/** The newest revision of every service with a history in the namespace. */
export async function latestRevisions(kube: Kube, namespace: string): Promise<Map<string, Revision>> {
  let items: Array<{ metadata?: { labels?: Record<string, string> }; data?: Record<string, string> }>;
  try {
    items = (await kube.core.listNamespacedConfigMap({ namespace, labelSelector: HISTORY_LABEL })).items;
  } catch (error) {
    throw kubeError(`listing deploy histories in namespace ${namespace}`, error, kube.server);
  }
  const out = new Map<string, Revision>();
  for (const cm of items) {
    const service = cm.metadata?.labels?.[HISTORY_LABEL];
    const latest = parseHistory(cm.data).at(-1);
    if (service && latest) out.set(service, latest);
  }
  return out;
}

/** Deletes the histories of the services in a scope (e.g. project + environment labels); returns the services. */
export async function deleteHistories(kube: Kube, namespace: string, scope: Readonly<Record<string, string>>): Promise<string[]> {
  const labelSelector = [HISTORY_LABEL, ...Object.entries(scope).map(([k, v]) => `${k}=${v}`)].join(",");
  try {
    const list = await kube.core.listNamespacedConfigMap({ namespace, labelSelector });
    const services: string[] = [];
    for (const cm of list.items) {
      const name = cm.metadata?.name;
      if (!name) continue;
      await kube.core.deleteNamespacedConfigMap({ name, namespace }).catch((error: unknown) => {
        if (httpStatus(error) !== 404) throw error;
      });
      services.push(cm.metadata?.labels?.[HISTORY_LABEL] ?? name);
    }
    return services;
  } catch (error) {
    throw kubeError(`deleting deploy histories in namespace ${namespace}`, error, kube.server);
  }
}

/** Records one deploy; retries once when another writer got there first. */
export async function recordRevision(kube: Kube, namespace: string, service: string, labels: Readonly<Record<string, string>>, request: RecordRequest): Promise<Revision> {
  for (let attempt = 0; ; attempt++) {
    const existing = await readConfigMap(kube, namespace, service);
    const { history, revision } = appendRevision(parseHistory(existing?.data), request);
    const body = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: historyName(service),
        namespace,
        labels: { ...labels, "app.kubernetes.io/managed-by": HISTORY_MANAGER, [HISTORY_LABEL]: service },
        ...(existing?.metadata?.resourceVersion ? { resourceVersion: existing.metadata.resourceVersion } : {}),
      },
      data: historyData(history),
    };
    try {
      if (existing) await kube.core.replaceNamespacedConfigMap({ name: historyName(service), namespace, body });
      else await kube.core.createNamespacedConfigMap({ namespace, body });
      return revision;
    } catch (error) {
      if (attempt === 0 && (httpStatus(error) === 409 || httpStatus(error) === 404)) continue;
      throw kubeError(`recording the deploy history of ${service}`, error, kube.server);
    }
  }
}
