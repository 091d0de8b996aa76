/**
 * Reading the engine's build output (the classic builder's JSON stream): split it into lines,
 * remember the current step ("Step 3/5 : RUN npm ci"), keep a tail of the output for error
 * reports, and pick out the error and the image ID. Pure: fed chunks, no I/O.
 */

interface BuildMessage {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string; code?: number };
  aux?: { ID?: string };
}

interface BuildStep {
  /** "3/5" */
  index: string;
  /** "RUN npm ci" */
  instruction: string;
}

export interface BuildProgress {
  /** Feed a chunk of the HTTP body; returns the complete output lines it finished. */
  push(chunk: Buffer | string): string[];
  /** Flush what is left at the end of the stream; returns the last output lines. */
  end(): string[];
  readonly step: BuildStep | undefined;
  readonly error: string | undefined;
  readonly imageId: string | undefined;
  /** The last `tailSize` output lines (error text included). */
  tail(): string[];
}

const STEP_RE = /^Step (\d+\/\d+) : (.*)$/;
const ANSI_RE = new RegExp(String.raw`\u001b\[[0-9;?]*[A-Za-z]`, "g");

export function createBuildProgress(tailSize = 20): BuildProgress {
  let json = ""; // an unfinished JSON line of the HTTP body
  let text = ""; // an unfinished output line
  let step: BuildStep | undefined;
  let error: string | undefined;
  let imageId: string | undefined;
  const lastLines: string[] = [];

  const emit = (line: string, out: string[]): void => {
    const clean = line.replace(ANSI_RE, "").replace(/\r$/, "");
    const m = STEP_RE.exec(clean);
    if (m) step = { index: m[1]!, instruction: m[2]!.trim() };
    lastLines.push(clean);
    if (lastLines.length > tailSize) lastLines.shift();
    out.push(clean);
  };

  const onText = (s: string, out: string[]): void => {
    text += s;
    const parts = text.split("\n");
    text = parts.pop() ?? "";
    for (const p of parts) emit(p, out);
  };

  const onMessage = (raw: string, out: string[]): void => {
    const trimmed = raw.trim();
    if (!trimmed) return;
    let msg: BuildMessage;
    try {
      msg = JSON.parse(trimmed) as BuildMessage;
    } catch {
      onText(`${trimmed}\n`, out);
      return;
    }
    if (msg.aux?.ID) imageId = msg.aux.ID;
    if (typeof msg.stream === "string") onText(msg.stream, out);
    else if (typeof msg.status === "string") onText(`${msg.status}\n`, out);
    const err = msg.errorDetail?.message ?? msg.error;
    if (err) {
      if (text) onText("\n", out);
      error = err.trim();
      emit(error, out);
    }
  };

  return {
    push(chunk) {
      const out: string[] = [];
      json += chunk.toString();
      const parts = json.split("\n");
      json = parts.pop() ?? "";
      for (const p of parts) onMessage(p, out);
      return out;
    },
    end() {
      const out: string[] = [];
      if (json) onMessage(json, out);
      json = "";
      if (text) emit(text, out);
      text = "";
      return out;
    },
    get step() {
      return step;
    },
    get error() {
      return error;
    },
    get imageId() {
      return imageId;
    },
    tail: () => [...lastLines],
  };
}
