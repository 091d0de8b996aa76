/**
 * Make sure each requested image exists: skip when the engine already has the content tag
 * (equal inputs hash ⇒ equal image, across runs and restarts), otherwise build, a few at a time.
 * One failed build does not stop the others; every request gets a result.
 */
import { DevupError, errorMessage, isDevupError } from "@devup/errors";
import type Docker from "dockerode";
import { buildImage } from "./build.ts";
import type { BuildInputs } from "./context.ts";
import { imageExists } from "./engine.ts";
import { createLimiter } from "./limit.ts";

export interface ImageRequest {
  service: string;
  inputs: BuildInputs;
  /** The content-addressed tag, normally `localImageRef(project, service, hash)`. */
  tag: string;
  /** The inputs hash in `tag`, for the image label; computed when missing. */
  hash?: string | undefined;
  /** Build secrets (id → value); BuildKit only. */
  secrets?: Readonly<Record<string, string>> | undefined;
}

export type BuildEvent =
  | { type: "build-skip"; service: string; tag: string }
  | { type: "build-start"; service: string; tag: string }
  | { type: "build-line"; service: string; line: string }
  | { type: "build-done"; service: string; tag: string; durationMs: number }
  | { type: "build-fail"; service: string; tag: string; durationMs: number; error: DevupError };

export interface ImageResult {
  service: string;
  tag: string;
  action: "skipped" | "built" | "failed";
  durationMs: number;
  error?: DevupError;
}

export interface EnsureImagesOptions {
  /** Builds at once (default 2). */
  concurrency?: number;
  onEvent?: (event: BuildEvent) => void;
  signal?: AbortSignal;
}

export async function ensureImages(docker: Docker, requests: readonly ImageRequest[], options: EnsureImagesOptions = {}): Promise<ImageResult[]> {
  const limit = createLimiter(options.concurrency ?? 2);
  const emit = options.onEvent ?? (() => {});
  return Promise.all(
    requests.map(async (req): Promise<ImageResult> => {
      const { service, tag } = req;
      const started = performance.now();
      const elapsed = (): number => Math.round(performance.now() - started);
      try {
        if (await imageExists(docker, tag)) {
          emit({ type: "build-skip", service, tag });
          return { service, tag, action: "skipped", durationMs: elapsed() };
        }
        return await limit(async () => {
          options.signal?.throwIfAborted();
          const buildStart = performance.now();
          emit({ type: "build-start", service, tag });
          await buildImage(docker, {
            inputs: req.inputs,
            tag,
            service,
            hash: req.hash,
            secrets: req.secrets,
            signal: options.signal,
            onLine: (line) => emit({ type: "build-line", service, line }),
          });
          const durationMs = Math.round(performance.now() - buildStart);
          emit({ type: "build-done", service, tag, durationMs });
          return { service, tag, action: "built" as const, durationMs };
        });
      } catch (cause) {
        if (options.signal?.aborted) throw cause;
        const error = asBuildError(service, cause);
        const durationMs = elapsed();
        emit({ type: "build-fail", service, tag, durationMs, error });
        return { service, tag, action: "failed", durationMs, error };
      }
    }),
  );
}

function asBuildError(service: string, cause: unknown): DevupError {
  if (isDevupError(cause)) return cause;
  const reason = errorMessage(cause);
  return new DevupError("build", `${service}: build failed: ${reason}`, { cause, details: [] });
}

export interface BuildSummary {
  built: string[];
  skipped: string[];
  failed: string[];
  /** One error for all failed builds (undefined when none failed), for a command to throw. */
  error: DevupError | undefined;
}

/** Who was built, skipped and failed; the failures folded into one error. */
export function summarizeBuilds(results: readonly ImageResult[]): BuildSummary {
  const by = (action: ImageResult["action"]): string[] => results.filter((r) => r.action === action).map((r) => r.service);
  const failures = results.filter((r) => r.action === "failed");
  let error: DevupError | undefined;
  if (failures.length === 1 && failures[0]!.error) {
    error = failures[0]!.error;
  } else if (failures.length > 1) {
    const details = failures.flatMap((f) => [f.error?.message ?? `${f.service}: failed`, ...(f.error?.details.slice(-5).map((d) => `  ${d}`) ?? [])]);
    error = new DevupError("build", `${failures.length} image builds failed: ${failures.map((f) => f.service).join(", ")}`, {
      hint: failures[0]!.error?.hint,
      details,
    });
  }
  return { built: by("built"), skipped: by("skipped"), failed: by("failed"), error };
}
