/**
 * How `dev logs`, `dev run-local` and the `dev up` screen show a service's log line: JSON lines as
 * `time LEVEL message` (`--fields`: with the other fields), untouched with `--raw`. The project's
 * secret values are never shown unless `--raw`.
 */
import type { ResolvedProject } from "@devup/project";

export interface ShownLine {
  /** For people. */
  text: string;
  /** The line as written, known secret values replaced (unless --raw). */
  line: string;
  /** For machines (--output json): the parsed parts of a JSON line. */
  parsed?: { level?: string | undefined; msg: string; time?: string | undefined; fields?: Record<string, unknown> | undefined } | undefined;
}

/** From the command's options: `fields` and `raw` are `--fields` and `--raw`. */
export function logLineFormatter(project: ResolvedProject, options: Readonly<Record<string, unknown>>): (line: string) => ShownLine {
  if (options.raw === true) return (line) => ({ text: line, line });
  const fields = options.fields === true;
  const secrets = project.services.flatMap((s) => [...Object.values(s.secrets?.values ?? {}), ...Object.values(s.secrets?.files ?? {}).map((f) => f.content.trim())]);
  return (raw) => {
    const line = hideSecrets(raw, secrets);
    const p = parseJsonLog(line);
    return {
      text: formatLogLine(line, { fields }),
      line,
      parsed: p && { level: p.level, msg: p.message, time: p.time, ...(fields ? { fields: p.fields } : {}) },
    };
  };
}

interface LogFormatOptions {
  /** Show the fields besides time, level and message (`key=value`; secret-looking names redacted). */
  fields?: boolean | undefined;
  /** Values never to show (the project's secret values); replaced by <redacted>. Shorter than 4 characters: ignored. */
  secrets?: readonly string[] | undefined;
}

interface ParsedLogLine {
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
function hideSecrets(text: string, secrets: readonly string[] | undefined): string {
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
