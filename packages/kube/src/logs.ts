/**
 * Container logs: a helper for the last lines of one container (used by rollout diagnosis), and a
 * stream aggregated over the pods matching a selector that, when following, picks up new pods and
 * restarted containers as they appear.
 */
import { Writable } from "node:stream";
import { Log } from "./k8s.ts";
import type { LogOptions } from "./k8s.ts";
import { kubeError } from "./api-error.ts";
import type { Kube } from "./kube.ts";
import { lineSplitter, splitTimestamp } from "./log-lines.ts";
import { labelSelector } from "./selector.ts";
import type { Pod } from "./types.ts";
import { listObjects, watchCache } from "./watch-cache.ts";

export interface LogLine {
  pod: string;
  container: string;
  text: string;
}

interface OpenStream {
  controller: AbortController;
  /** Resolves when the server ends the stream (or it is aborted). */
  ended: Promise<void>;
}

/** Opens one container's log and feeds it to `write`. Errors before the stream starts are thrown. */
async function openLog(kube: Kube, namespace: string, pod: string, container: string, options: LogOptions, write: (chunk: Buffer) => void): Promise<OpenStream> {
  let finish!: () => void;
  const ended = new Promise<void>((resolve) => (finish = resolve));
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      write(chunk);
      callback();
    },
  });
  sink.on("finish", finish);
  sink.on("close", finish);
  // client-node pipes the response body into `sink` but does not listen for the body's errors
  // (an abort, a dropped connection); without a listener they would crash the process.
  sink.on("pipe", (source: NodeJS.ReadableStream) => source.on("error", () => sink.destroy()));
  try {
    const controller = await new Log(kube.config).log(namespace, pod, container, sink, options);
    return { controller, ended };
  } catch (error) {
    sink.destroy();
    throw kubeError(`reading the log of ${namespace}/${pod} container ${container}`, error, kube.server);
  }
}

/** The last `tailLines` lines of a container; `previous` for the instance that ran before (crashed) the current one. */
export async function recentLogs(kube: Kube, namespace: string, pod: string, container: string, options: { previous?: boolean; tailLines?: number } = {}): Promise<string[]> {
  const lines: string[] = [];
  const splitter = lineSplitter((line) => lines.push(line));
  const stream = await openLog(kube, namespace, pod, container, { follow: false, previous: options.previous ?? false, tailLines: options.tailLines ?? 20 }, (chunk) => splitter.push(chunk));
  await stream.ended;
  splitter.flush();
  return lines;
}

export interface StreamLogsOptions {
  namespace: string;
  /** Pods whose labels carry all of these. */
  selector: Readonly<Record<string, string>>;
  follow: boolean;
  /** Lines from the end of each container that is already running; containers that start later are streamed from their start. */
  tailLines?: number;
  /** Only lines newer than this many seconds. */
  sinceSeconds?: number;
  onLine: (line: LogLine) => void;
  /** Stops following (required to end a `follow` stream). */
  signal?: AbortSignal;
}

/** The container instances of a pod that have started (running or already terminated), as "container/restartCount". */
function startedContainers(pod: Pod): { container: string; instance: string; running: boolean }[] {
  return (pod.status?.containerStatuses ?? [])
    .filter((s) => s.name && (s.state?.running || s.state?.terminated))
    .map((s) => ({ container: s.name ?? "", instance: `${s.name}/${s.restartCount ?? 0}`, running: s.state?.running !== undefined }));
}

/**
 * Streams the logs of every container of the pods matching `selector`. Without `follow` it resolves
 * when all were read; with `follow` it watches pods, streams new ones, and resolves when `signal` aborts.
 */
export async function streamLogs(kube: Kube, options: StreamLogsOptions): Promise<void> {
  const { namespace, signal } = options;
  const selector = labelSelector(options.selector);
  const base: LogOptions = { ...(options.sinceSeconds === undefined ? {} : { sinceSeconds: options.sinceSeconds }) };

  if (!options.follow) {
    const { items } = await listObjects<Pod>(kube, { apiVersion: "v1", kind: "Pod", namespace, labelSelector: selector }).catch((error: unknown) => {
      throw kubeError(`listing pods ${selector} in namespace ${namespace}`, error, kube.server);
    });
    const reads = items.flatMap((pod) =>
      startedContainers(pod).map(async ({ container }) => {
        const podName = pod.metadata?.name ?? "";
        const splitter = lineSplitter((text) => options.onLine({ pod: podName, container, text }));
        const stream = await openLog(kube, namespace, podName, container, { ...base, follow: false, ...(options.tailLines ? { tailLines: options.tailLines } : {}) }, (c) => splitter.push(c));
        signal?.addEventListener("abort", () => stream.controller.abort(), { once: true });
        await stream.ended;
        splitter.flush();
      }),
    );
    await Promise.all(reads);
    return;
  }

  if (signal?.aborted) return;
  const active = new Set<AbortController>();
  const seen = new Set<string>();
  let initial = true;

  /** Follows one container instance; reopens (skipping lines already shown) if the server ends the stream while it still runs. */
  async function follow(podName: string, container: string, instance: string, tail: boolean): Promise<void> {
    let lastKey: string | undefined;
    const splitter = lineSplitter((line) => {
      const { key, text } = splitTimestamp(line);
      if (key !== undefined && lastKey !== undefined && key <= lastKey) return;
      if (key !== undefined) lastKey = key;
      options.onLine({ pod: podName, container, text });
    });
    for (let attempt = 0; !signal?.aborted && attempt < 20; attempt++) {
      const since = lastKey === undefined ? base : { sinceTime: `${lastKey.slice(0, 19)}Z` };
      const tailLines = tail && lastKey === undefined && options.tailLines ? { tailLines: options.tailLines } : {};
      let stream: OpenStream;
      try {
        stream = await openLog(kube, namespace, podName, container, { ...since, ...tailLines, follow: true, timestamps: true }, (c) => splitter.push(c));
      } catch {
        return; // the pod went away or the container is not there any more
      }
      active.add(stream.controller);
      if (signal?.aborted) stream.controller.abort();
      await stream.ended;
      active.delete(stream.controller);
      splitter.flush();
      const pod = cache.items().find((p) => p.metadata?.name === podName);
      if (!pod || !startedContainers(pod).some((c) => c.instance === instance && c.running)) return;
    }
  }

  const cache = watchCache<Pod>(kube, {
    apiVersion: "v1",
    kind: "Pod",
    plural: "pods",
    namespace,
    labelSelector: selector,
    onChange() {
      for (const pod of cache.items()) {
        const podName = pod.metadata?.name ?? "";
        for (const { container, instance } of startedContainers(pod)) {
          const id = `${podName}/${instance}`;
          if (seen.has(id)) continue;
          seen.add(id);
          void follow(podName, container, instance, initial);
        }
      }
      initial = false;
    },
  });

  await new Promise<void>((resolve) => {
    if (!signal) return; // following without a signal never ends
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
  cache.close();
  for (const controller of active) controller.abort();
}
