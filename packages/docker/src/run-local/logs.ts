/**
 * Follow the logs of run-local's containers, line by line with the service's name, until stopped.
 * A followed stream ends when its container stops (a crash); it is picked up again after the restart.
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
  const follow = async (plan: ContainerPlan, since: number): Promise<void> => {
    if (stopped) return;
    let stream: NodeJS.ReadableStream & { destroy?: () => void };
    try {
      stream = await docker.getContainer(plan.container).logs({ follow: true, stdout: true, stderr: true, since: Math.floor(since / 1000) });
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
    let lastAt = since;
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
