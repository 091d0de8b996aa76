/** What every command gets: parsed options, where it runs, how it speaks. */
import { DevupError } from "@devup/errors";
import type { Output } from "./output.ts";

export interface CommandContext {
  cwd: string;
  out: Output;
  /** Options parsed from the command's own option table. */
  options: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  /** Whether a person can answer prompts (stdin is a TTY and CI is not set). */
  interactive: boolean;
}

export type CommandRun = (ctx: CommandContext) => Promise<void>;

/** A positive number of seconds from a string option (e.g. `--timeout 300`), else a usage error. */
export function secondsOption(ctx: CommandContext, option: string, fallback: number): number {
  const value = Number(ctx.options[option] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new DevupError("usage", `--${option} must be a number of seconds, not ${JSON.stringify(ctx.options[option])}`, { hint: `for example --${option} ${fallback}` });
  return value;
}
