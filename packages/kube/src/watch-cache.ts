/**
 * A small informer: list once, then watch from that resourceVersion and keep a map of the objects
 * up to date. Watches end all the time (client-node aborts one after 30 s without data; the server
 * closes them too); this reconnects from the last resourceVersion, relists when the server says
 * it is too old (410 Gone), and after errors backs off and relists.
 */
import { Watch } from "./k8s.ts";
import { httpStatus } from "./api-error.ts";
import type { Kube } from "./kube.ts";
import type { ObjectMeta } from "./types.ts";

export interface WatchCacheOptions {
  /** "v1" or "group/version". */
  apiVersion: string;
  kind: string;
  /** The resource's plural, for the watch path ("pods", "deployments"). */
  plural: string;
  namespace: string;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** After the first list and after every change. */
  onChange?: () => void;
  /** A list or watch failed; it is retried after `retryInMs`. */
  onError?: (error: unknown, retryInMs: number) => void;
}

export interface WatchCache<T> {
  items(): T[];
  /** The first list has arrived (until then `items()` is empty because nothing is known yet). */
  synced(): boolean;
  close(): void;
}

const MAX_BACKOFF_MS = 10_000;

interface WatchedObject {
  metadata?: ObjectMeta;
  code?: number;
}

/**
 * Lists objects in the shape watch events have. The typed client turns timestamps into Dates;
 * watch events carry strings; a JSON round trip gives one shape for both.
 */
export async function listObjects<T>(
  kube: Kube,
  options: Pick<WatchCacheOptions, "apiVersion" | "kind" | "namespace" | "labelSelector" | "fieldSelector">,
): Promise<{ items: T[]; resourceVersion: string }> {
  const { apiVersion, kind, namespace, fieldSelector, labelSelector } = options;
  const result = await kube.objects.list(apiVersion, kind, namespace, undefined, undefined, undefined, fieldSelector, labelSelector);
  return { items: JSON.parse(JSON.stringify(result.items)) as T[], resourceVersion: result.metadata?.resourceVersion ?? "" };
}

export function watchCache<T extends { metadata?: ObjectMeta }>(kube: Kube, options: WatchCacheOptions): WatchCache<T> {
  const items = new Map<string, T>();
  const path = `${options.apiVersion === "v1" ? "/api/v1" : `/apis/${options.apiVersion}`}/namespaces/${options.namespace}/${options.plural}`;
  const key = (o: { metadata?: ObjectMeta }): string => o.metadata?.name ?? "";
  let synced = false;
  let closed = false;
  let resourceVersion = "";
  let request: AbortController | undefined;
  let wake: (() => void) | undefined;

  const changed = (): void => {
    if (!closed) options.onChange?.();
  };

  async function list(): Promise<void> {
    const result = await listObjects<T>(kube, options);
    items.clear();
    for (const item of result.items) items.set(key(item), item);
    resourceVersion = result.resourceVersion;
    synced = true;
    changed();
  }

  /** One watch request; resolves with the number of events it delivered when it ends. */
  function watchOnce(): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      let events = 0;
      let gone = false;
      const query = { resourceVersion, allowWatchBookmarks: true, labelSelector: options.labelSelector, fieldSelector: options.fieldSelector };
      const onEvent = (type: string, object: WatchedObject): void => {
        if (type === "ERROR") {
          if (object.code === 410) gone = true;
          return;
        }
        if (object.metadata?.resourceVersion) resourceVersion = object.metadata.resourceVersion;
        if (type === "BOOKMARK" || closed) return;
        events++;
        if (type === "DELETED") items.delete(key(object));
        else items.set(key(object), object as T);
        changed();
      };
      const onDone = (error: unknown): void => {
        request = undefined;
        if (gone) resourceVersion = "";
        const ended = closed || gone || !error || (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"));
        if (ended) resolve(events);
        else reject(error instanceof Error ? error : new Error(typeof error === "string" ? error : JSON.stringify(error)));
      };
      new Watch(kube.config).watch(path, query, onEvent, onDone).then((controller) => {
        request = controller;
        if (closed) controller.abort();
      }, reject);
    });
  }

  async function run(): Promise<void> {
    let delay = 0;
    while (!closed) {
      const started = Date.now();
      try {
        if (!resourceVersion) await list();
        const events = await watchOnce();
        // A watch that ends at once with no news is not progress: do not spin on it.
        delay = events > 0 || Date.now() - started > 5_000 ? 0 : Math.min(Math.max(delay * 2, 250), MAX_BACKOFF_MS);
      } catch (error) {
        if (closed) break;
        if (httpStatus(error) === 410) {
          resourceVersion = "";
          continue;
        }
        delay = Math.min(Math.max(delay * 2, 500), MAX_BACKOFF_MS);
        options.onError?.(error, delay);
        // Start over with a list: it tells subscribers the cache is current again (they may have
        // shown the error), and nothing missed while disconnected stays missed.
        resourceVersion = "";
      }
      if (delay > 0 && !closed) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    }
  }

  void run();

  return {
    items: () => [...items.values()],
    synced: () => synced,
    close() {
      closed = true;
      request?.abort();
      wake?.();
    },
  };
}
