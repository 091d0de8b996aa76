/** Pure helpers for the kubelet's log streams: splitting bytes into lines, and the timestamp prefix. (Showing a line to people is the CLI's log-format.ts.) */
import { StringDecoder } from "node:string_decoder";

export interface LineSplitter {
  push(chunk: Buffer | string): void;
  /** Emits a last line that had no newline. */
  flush(): void;
}

/** Calls `onLine` with each complete line (without "\n" or "\r\n"), decoding UTF-8 across chunk boundaries. */
export function lineSplitter(onLine: (line: string) => void): LineSplitter {
  const decoder = new StringDecoder("utf8");
  let partial = "";
  const emit = (text: string): void => {
    const lines = (partial + text).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) onLine(line.endsWith("\r") ? line.slice(0, -1) : line);
  };
  return {
    push: (chunk) => emit(typeof chunk === "string" ? chunk : decoder.write(chunk)),
    flush() {
      emit(decoder.end());
      if (partial !== "") onLine(partial);
      partial = "";
    },
  };
}

const STAMPED = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z (.*)$/s;

/** "2025-01-02T03:04:05.123456789Z text" (logs requested with timestamps) → a sortable key and the text. */
export function splitTimestamp(line: string): { key?: string; text: string } {
  const m = STAMPED.exec(line);
  if (!m) return { text: line };
  // RFC 3339 with nanoseconds drops trailing zeros; pad the fraction so keys compare as strings.
  return { key: `${m[1]}.${(m[2] ?? "").padEnd(9, "0")}`, text: m[3] ?? "" };
}
