/**
 * Follow the logs of run-local's containers, line by line with the service's name, until stopped.
 * A followed stream ends when its container stops (a crash, or a rebuild replacing it); it is picked
 * up again after the restart, and from the start for a replaced container (a new id).
 */
import type Docker from "dockerode";
import { createLineDemuxer, type LogStream } from "./demux.ts";
import type { ContainerPlan } from "./plan.ts";

export interface LogLine {
  service: string;
  stream: LogStream;
  line: string;
}

/** Starts following every container's logs from `sinceMs` (epoch ms); returns a function that stops. */
export function followLocalLogs(docker: Docker, plans: readonly ContainerPlan[], onLine: (line: LogLine) => void, sinceMs = Date.now()): () => void {
  let stopped = false;
  const streams = new Set<NodeJS.ReadableStream & { destroy?: () => void }>();
  // A container replaced by a rebuild has a new id: its log is followed from its start.
  const ids = new Map<string, string>();
  const follow = async (plan: ContainerPlan, since: number): Promise<void> => {
    if (stopped) return;
    let stream: NodeJS.ReadableStream & { destroy?: () => void };
    try {
      const container = docker.getContainer(plan.container);
      const { Id } = await container.inspect();
      const previous = ids.get(plan.service);
      ids.set(plan.service, Id);
      if (previous !== undefined && previous !== Id) since = 0;
      stream = await container.logs({ follow: true, stdout: true, stderr: true, since: Math.floor(since / 1000) });
    } catch {
      // Gone or not there yet: try again shortly unless stopping.
      setTimeout(() => void follow(plan, since), 1000).unref();
      return;
    }
    if (stopped) {
      stream.destroy?.();
      return;
    }
    streams.add(stream);
    let lastAt = since || Date.now();
    const demux = createLineDemuxer((s, line) => {
      lastAt = Date.now();
      onLine({ service: plan.service, stream: s, line });
    });
    stream.on("data", (chunk: Buffer) => demux.push(chunk));
    stream.on("error", () => {});
    stream.on("end", () => {
      demux.end();
      streams.delete(stream);
      // Seconds are the API's resolution: start after the last line's second to avoid repeats.
      if (!stopped) setTimeout(() => void follow(plan, Math.max(lastAt + 1000, since)), 1000).unref();
    });
  };
  for (const plan of plans) void follow(plan, sinceMs);
  return () => {
    stopped = true;
    for (const s of streams) s.destroy?.();
    streams.clear();
  };
}
