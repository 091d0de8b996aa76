/**
 * What commands say. Text mode: results on stdout, progress and problems on stderr.
 * JSON mode (`--output json`): one JSON event per line on stdout (NDJSON), nothing else.
 */
import { formatDiagnostic, type Diagnostic } from "@devup/project";
import { NDJSON_VERSION } from "./ndjson.ts";

export type OutputFormat = "text" | "json";

interface DevEvent {
  type: string;
  /** The human text of the event (text mode prints it; JSON carries it too). */
  message?: string;
  [field: string]: unknown;
}

export interface Output {
  readonly format: OutputFormat;
  /** A result line (stdout). */
  result(event: DevEvent): void;
  /** Progress or information (stderr in text mode). */
  info(event: DevEvent): void;
  /** Validation problems. */
  diagnostics(list: readonly Diagnostic[]): void;
  /** Raw text for stdout (text mode only; JSON mode wraps it as an event). */
  text(content: string): void;
}

export interface Streams {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
}

export function createOutput(format: OutputFormat, streams: Streams = process): Output {
  // Every line says which version of the event schema it follows (docs/ndjson.md).
  const json = (e: DevEvent) => streams.stdout.write(`${JSON.stringify({ v: NDJSON_VERSION, ...e })}\n`);
  if (format === "json") {
    return {
      format,
      result: json,
      info: json,
      diagnostics: (list) => list.forEach((d) => json({ type: "diagnostic", ...d, message: d.message })),
      text: (content) => json({ type: "text", content }),
    };
  }
  return {
    format,
    result: (e) => streams.stdout.write(`${e.message ?? ""}\n`),
    info: (e) => streams.stderr.write(`${e.message ?? ""}\n`),
    diagnostics: (list) => list.forEach((d) => streams.stderr.write(`${formatDiagnostic(d)}\n`)),
    text: (content) => streams.stdout.write(content),
  };
}
