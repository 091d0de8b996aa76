/**
 * Reading BuildKit's plain progress output (`buildx build --progress=plain`): lines as they come,
 * the step that was running when the build failed ("[2/3] RUN npm ci"), the Dockerfile line
 * BuildKit points at ("Dockerfile:7"), the error, and a tail for error reports. Pure: fed text.
 */

interface BuildkitStep {
  /** "2/3" (the user's own count: BuildKit does not add a step for labels); "" for a base image being resolved. */
  index: string;
  /** "RUN npm ci" */
  instruction: string;
}

export interface BuildkitProgress {
  /**
   * Feed a chunk of output; returns the complete lines it finished, shaped like the classic
   * builder's ("Step 2/3 : RUN npm ci", then the step's own output without BuildKit's "#6 0.412"
   * prefix); BuildKit's bookkeeping lines (DONE, transferring, [internal]) are left out.
   */
  push(chunk: Buffer | string): string[];
  /** Flush the last unfinished line. */
  end(): string[];
  /** The step whose vertex reported the error (or the last step started, when none did). */
  readonly step: BuildkitStep | undefined;
  /** BuildKit's final error line, without the "ERROR: " prefix. */
  readonly error: string | undefined;
  /** The Dockerfile line BuildKit's snippet points at. */
  readonly dockerfileLine: number | undefined;
  tail(): string[];
}

// "#7 [stage-1 2/3] RUN npm ci" or "#7 [2/3] RUN npm ci"
const VERTEX_RE = /^#(\d+) \[(?:[^\]\s]+ )?(\d+\/\d+)\] (.*)$/;
// "#3 [internal] load metadata for docker.io/library/node:24-slim" (a base image being resolved)
const METADATA_RE = /^#(\d+) \[internal\] load metadata for (\S+)$/;
// "#7 ERROR: process "/bin/sh -c exit 3" did not complete successfully: exit code: 3"
const VERTEX_ERROR_RE = /^#(\d+) ERROR: (.*)$/;
// "ERROR: failed to build: failed to solve: ..." (buildx ≥ 0.2x) or "error: failed to solve: ..."
const FINAL_ERROR_RE = /^(?:ERROR|error): (.*)$/;
// "Dockerfile:7" / ".devup.Dockerfile:7" / "Dockerfile.dev:12" as BuildKit prints before its snippet
const SNIPPET_RE = /^\S*Dockerfile\S*:(\d+)$/i;
// "#6 0.412 some output" (a step's own output, with BuildKit's vertex number and seconds)
const OUTPUT_RE = /^#\d+ \d+\.\d+ ?(.*)$/;
const ANSI_RE = new RegExp(String.raw`\u001b\[[0-9;?]*[A-Za-z]`, "g");

function display(clean: string, step: string | undefined, vertexError: string | undefined): string | undefined {
  if (step) return step;
  if (vertexError !== undefined) return `ERROR: ${vertexError.trim()}`;
  const output = OUTPUT_RE.exec(clean);
  if (output) return output[1]!;
  if (clean.startsWith("#") || clean.trim() === "") return undefined; // DONE, CACHED, transferring, [internal] …
  return clean;
}

export function createBuildkitProgress(tailSize = 20): BuildkitProgress {
  let text = "";
  const steps = new Map<string, BuildkitStep>();
  let last: BuildkitStep | undefined;
  let failed: BuildkitStep | undefined;
  let error: string | undefined;
  let vertexError: string | undefined;
  let line: number | undefined;
  const lastLines: string[] = [];

  const emit = (raw: string, out: string[]): void => {
    const clean = raw.replace(ANSI_RE, "").replace(/\r$/, "");
    const vertex = VERTEX_RE.exec(clean);
    if (vertex) {
      const step = { index: vertex[2]!, instruction: vertex[3]!.trim() };
      steps.set(vertex[1]!, step);
      last = step;
    }
    const meta = METADATA_RE.exec(clean);
    if (meta) steps.set(meta[1]!, { index: "", instruction: `FROM ${meta[2]!.replace(/^docker\.io\/(library\/)?/, "")}` });
    const vErr = VERTEX_ERROR_RE.exec(clean);
    if (vErr) {
      failed ??= steps.get(vErr[1]!);
      vertexError ??= vErr[2]!.trim();
    }
    const fin = FINAL_ERROR_RE.exec(clean);
    if (fin) error = fin[1]!.trim();
    const snip = SNIPPET_RE.exec(clean.trim());
    if (snip && line === undefined) line = Number(snip[1]);
    const shown = display(clean, vertex ? `Step ${vertex[2]} : ${vertex[3]!.trim()}` : undefined, vErr?.[2]);
    if (shown === undefined) return;
    lastLines.push(shown);
    if (lastLines.length > tailSize) lastLines.shift();
    out.push(shown);
  };

  return {
    push(chunk) {
      const out: string[] = [];
      text += chunk.toString();
      const parts = text.split("\n");
      text = parts.pop() ?? "";
      for (const p of parts) emit(p, out);
      return out;
    },
    end() {
      const out: string[] = [];
      if (text) emit(text, out);
      text = "";
      return out;
    },
    get step() {
      return failed ?? (error !== undefined || vertexError !== undefined ? last : undefined);
    },
    get error() {
      return error ?? vertexError;
    },
    get dockerfileLine() {
      return line;
    },
    tail: () => [...lastLines],
  };
}
