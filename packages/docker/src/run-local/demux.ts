/**
 * Docker's multiplexed log stream (containers without a TTY) → whole lines per stream.
 * Each frame: 1 byte stream (1 stdout, 2 stderr), 3 zero bytes, a 4-byte big-endian length, the payload.
 */
export type LogStream = "stdout" | "stderr";

export interface LineDemuxer {
  push(chunk: Buffer): void;
  /** Emits what is left of unfinished lines. */
  end(): void;
}

export function createLineDemuxer(onLine: (stream: LogStream, line: string) => void): LineDemuxer {
  let pending: Buffer = Buffer.alloc(0);
  const partial: Record<LogStream, string> = { stdout: "", stderr: "" };
  const text = (stream: LogStream, payload: string) => {
    const lines = (partial[stream] + payload).split("\n");
    partial[stream] = lines.pop() ?? "";
    for (const line of lines) onLine(stream, line.replace(/\r$/, ""));
  };
  return {
    push(chunk) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= 8) {
        const size = pending.readUInt32BE(4);
        if (pending.length < 8 + size) break;
        const stream: LogStream = pending[0] === 2 ? "stderr" : "stdout";
        text(stream, pending.subarray(8, 8 + size).toString("utf8"));
        pending = pending.subarray(8 + size);
      }
    },
    end() {
      for (const stream of ["stdout", "stderr"] as const) {
        if (partial[stream]) onLine(stream, partial[stream]);
        partial[stream] = "";
      }
    },
  };
}

/** All lines of a complete multiplexed buffer (e.g. `logs({ tail })` without follow). */
export function demuxLines(buffer: Buffer): string[] {
  const out: string[] = [];
  const d = createLineDemuxer((_s, line) => out.push(line));
  d.push(buffer);
  d.end();
  return out;
}
