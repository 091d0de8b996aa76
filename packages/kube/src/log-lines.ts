/** Pure helpers for log streams: splitting bytes into lines, and the kubelet's timestamp prefix. */
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

export interface LogFormatOptions {
  /** Show the fields besides time, level and message (`key=value`; secret-looking names redacted). */
  fields?: boolean | undefined;
  /** Values never to show (the project's secret values); replaced by <redacted>. Shorter than 4 characters: ignored. */
  secrets?: readonly string[] | undefined;
}

export interface ParsedLogLine {
  time?: string | undefined;
  level?: string | undefined;
  message: string;
  /** The other fields, secret-looking names redacted. */
  fields: Record<string, unknown>;
}

const TIME_KEYS = ["time", "timestamp", "ts", "@timestamp"];
const LEVEL_KEYS = ["level", "lvl", "severity"];
const MESSAGE_KEYS = ["msg", "message"];
/** Field names whose values are not shown: token, password, secret, key, credentials, cookies, authorization. */
const SECRET_NAME = /token|passw|secret|key|credential|cookie|auth/i;
/** pino/bunyan's numeric levels. */
const NUMERIC_LEVELS: Record<number, string> = { 10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal" };
const REDACTED = "<redacted>";

const pick = (o: Record<string, unknown>, keys: readonly string[]): [string, unknown] | undefined => {
  const k = keys.find((key) => o[key] !== undefined && o[key] !== null && typeof o[key] !== "object");
  return k === undefined ? undefined : [k, o[k]];
};

/** A JSON log line (an object with at least a level or a message) as its parts; undefined for any other line. */
export function parseJsonLog(line: string): ParsedLogLine | undefined {
  const text = line.trim();
  if (!text.startsWith("{") || !text.endsWith("}")) return undefined;
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!o || typeof o !== "object" || Array.isArray(o)) return undefined;
  const record = o as Record<string, unknown>;
  const time = pick(record, TIME_KEYS);
  const level = pick(record, LEVEL_KEYS);
  const message = pick(record, MESSAGE_KEYS);
  if (!level && !message) return undefined;
  const used = new Set([time?.[0], level?.[0], message?.[0]]);
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) if (!used.has(k)) fields[k] = SECRET_NAME.test(k) ? REDACTED : v;
  const levelText = level ? (typeof level[1] === "number" ? (NUMERIC_LEVELS[level[1]] ?? String(level[1])) : String(level[1])) : undefined;
  return { time: time ? String(time[1]) : undefined, level: levelText, message: message ? String(message[1]) : "", fields };
}

/** "2026-01-02T03:04:05.678Z" → "03:04:05.678" (the day is rarely news in a dev loop); other forms as given. */
function shortTime(time: string): string {
  const m = /^\d{4}-\d\d-\d\dT(\d\d:\d\d:\d\d(?:\.\d{1,3})?)\d*(?:Z|[+-]\d\d:?\d\d)$/.exec(time);
  return m ? m[1]! : time;
}

/** `text` with each known secret value (4 characters or more) replaced by <redacted>. */
export function hideSecrets(text: string, secrets: readonly string[] | undefined): string {
  let out = text;
  for (const s of secrets ?? []) if (s.length >= 4) out = out.split(s).join(REDACTED);
  return out;
}

/**
 * A log line for people: JSON lines as `[time] LEVEL message` (with `fields`, the other fields as
 * key=value), any other line as it is. Known secret values are replaced in both.
 */
export function formatLogLine(line: string, options: LogFormatOptions = {}): string {
  const parsed = parseJsonLog(line);
  if (!parsed) return hideSecrets(line, options.secrets);
  const parts = [...(parsed.time ? [shortTime(parsed.time)] : []), (parsed.level ?? "log").toUpperCase().padEnd(5), parsed.message];
  if (options.fields) {
    for (const [k, v] of Object.entries(parsed.fields)) parts.push(`${k}=${typeof v === "string" && !/\s|"/.test(v) ? v : JSON.stringify(v)}`);
  }
  return hideSecrets(parts.join(" "), options.secrets);
}
