/**
 * Running the CLIs this package drives (kind, docker): argument arrays, output captured,
 * and a failure turned into a DevupError carrying the command and the tail of its output.
 */
import { DevupError, type ErrorKind } from "@devup/errors";
import { execa } from "execa";

export interface RunOptions {
  /** What the command does, for the error message: "create the kind cluster devup". */
  what: string;
  /** The error kind on failure (default "command"). */
  kind?: ErrorKind;
  hint?: string;
  input?: string | Buffer;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called for each output line (stdout and stderr) as it comes. */
  onLine?: (line: string) => void;
  /** Exit codes besides 0 that are answers, not failures. */
  okExitCodes?: readonly number[];
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

const TAIL_LINES = 20;

export async function run(file: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const { onLine } = options;
  // A line transform: sees every line as it comes and passes it on unchanged.
  const watch = function* (line: unknown): Generator<unknown> {
    onLine?.(String(line));
    yield line;
  };
  const result = await execa(file, args, {
    reject: false,
    all: true,
    stripFinalNewline: true,
    ...(options.input === undefined ? { stdin: "ignore" as const } : { input: options.input }),
    ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
    ...(options.signal ? { cancelSignal: options.signal } : {}),
    ...(onLine ? { stdout: watch, stderr: watch } : {}),
  });
  const answered = result.exitCode !== undefined && options.okExitCodes?.includes(result.exitCode);
  if (result.failed && !answered) {
    options.signal?.throwIfAborted();
    const missing = (result.cause as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
    if (missing) {
      throw new DevupError("notFound", `cannot ${options.what}: the program ${file} was not found`, {
        hint: `Install ${file} or put it on PATH.`,
        cause: result.cause,
      });
    }
    const why = result.timedOut ? `timed out after ${options.timeoutMs} ms` : `exited with ${result.exitCode ?? result.signal}`;
    throw new DevupError(options.kind ?? "command", `could not ${options.what} (${why})`, {
      hint: options.hint,
      details: [`$ ${[file, ...args].join(" ")}`, ...tail(String(result.all ?? ""), TAIL_LINES)],
    });
  }
  return { stdout: String(result.stdout ?? ""), stderr: String(result.stderr ?? ""), exitCode: result.exitCode ?? 0 };
}

/** The last `n` non-empty lines of `text`. */
export function tail(text: string, n: number): string[] {
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "")
    .slice(-n);
}
