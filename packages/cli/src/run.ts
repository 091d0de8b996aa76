/** Parses the command line, runs one command, and maps every outcome to an exit code. */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { DevupError, ExitCode, formatErrorReport, toErrorReport } from "@devup/errors";
import { commands, globalOptions, type CommandSpec } from "./commands.ts";
import { commandHelp, mainHelp } from "./help.ts";
import { createOutput, type OutputFormat, type Streams } from "./output.ts";

function findCommand(argv: readonly string[]): { command: CommandSpec; rest: string[] } | undefined {
  const words = argv.filter((a) => !a.startsWith("-"));
  const matches = commands.filter((c) => {
    const parts = c.name.split(" ");
    return parts.every((p, i) => words[i] === p);
  });
  const command = matches.sort((a, b) => b.name.length - a.name.length)[0];
  if (!command) return undefined;
  const rest = [...argv];
  for (const word of command.name.split(" ")) rest.splice(rest.indexOf(word), 1);
  return { command, rest };
}

export async function run(argv: readonly string[], streams: Streams = process): Promise<number> {
  const format: OutputFormat = argv.some((a, i) => (a === "--output" || a === "-o") && argv[i + 1] === "json") || argv.includes("--output=json") ? "json" : "text";
  const out = createOutput(format, streams);
  try {
    const found = findCommand(argv);
    if (!found) {
      if (argv.length === 0 || argv.includes("--help") || argv.includes("-h") || argv[0] === "help") {
        streams.stdout.write(mainHelp());
        return ExitCode.ok;
      }
      const word = argv.find((a) => !a.startsWith("-")) ?? argv[0] ?? "";
      throw new DevupError("usage", `unknown command ${JSON.stringify(word)}`, { hint: "run `dev --help` for the list of commands" });
    }
    const { command, rest } = found;
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({ args: rest, options: { ...globalOptions, ...command.options }, allowPositionals: true, strict: true });
    } catch (error) {
      throw new DevupError("usage", (error as Error).message, { hint: `run \`dev ${command.name} --help\` for its options` });
    }
    const options = parsed.values as Record<string, string | boolean | string[] | undefined>;
    if (options.help) {
      streams.stdout.write(commandHelp(command));
      return ExitCode.ok;
    }
    if (options.output !== "text" && options.output !== "json") {
      throw new DevupError("usage", `--output must be text or json, not ${JSON.stringify(options.output)}`);
    }
    const { default: runCommand } = await command.load();
    await runCommand({
      cwd: resolve(typeof options.cwd === "string" ? options.cwd : process.cwd()),
      out,
      options,
      positionals: parsed.positionals,
      interactive: Boolean(process.stdin.isTTY) && !process.env.CI,
    });
    return ExitCode.ok;
  } catch (error) {
    const report = toErrorReport(error, Boolean(process.env.DEVUP_DEBUG));
    if (format === "json") streams.stdout.write(`${JSON.stringify({ type: "error", ...report })}\n`);
    else streams.stderr.write(`${formatErrorReport(report)}\n`);
    return report.exitCode;
  }
}
