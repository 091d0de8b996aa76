/** What every command gets: parsed options, where it runs, how it speaks. */
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
