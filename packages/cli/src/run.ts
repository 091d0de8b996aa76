/**
 * Parses the command line, runs one command, and maps every outcome to an exit code. Help, the
 * version and usage errors need only the command table: output.ts (and with it the spec packages)
 * loads with the command, so they answer as fast as `dev --version`.
 */
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { ExitCode, formatErrorReport, toErrorReport } from "@devup/errors";
import type { Streams } from "./output.ts";
import { parseCommandLine, wantsJson } from "./parse.ts";

export async function run(argv: readonly string[], streams: Streams = process): Promise<number> {
  // Decided before parsing, so that a usage error in NDJSON mode is an event like any other error.
  const json = wantsJson(argv);
  try {
    const line = parseCommandLine(argv);
    if (line.kind === "help") {
      streams.stdout.write(line.text);
      return ExitCode.ok;
    }
    if (line.kind === "version") {
      const { version } = createRequire(import.meta.url)("../package.json") as { version: string };
      streams.stdout.write(json ? `${JSON.stringify({ type: "version", version, message: `devup ${version}` })}\n` : `devup ${version}\n`);
      return ExitCode.ok;
    }
    const { command, options, positionals } = line;
    const [{ createOutput }, { default: runCommand }, { useDockerEndpoint }] = await Promise.all([import("./output.ts"), command.load(), import("@devup/docker/endpoint")]);
    try {
      useDockerEndpoint(); // DOCKER_HOST for kind and the docker CLI, from a docker context or a laptop's socket
    } catch {
      // A docker context that cannot be read: the commands that need Docker report it (connectDocker).
    }
    await runCommand({
      cwd: resolve(typeof options.cwd === "string" ? options.cwd : process.cwd()),
      out: createOutput(json ? "json" : "text", streams),
      options,
      positionals,
      interactive: Boolean(process.stdin.isTTY) && !process.env.CI,
    });
    return ExitCode.ok;
  } catch (error) {
    const report = toErrorReport(error, Boolean(process.env.DEVUP_DEBUG));
    if (json) streams.stdout.write(`${JSON.stringify({ type: "error", ...report })}\n`);
    else streams.stderr.write(`${formatErrorReport(report)}\n`);
    return report.exitCode;
  }
}
