import { commands, globalOptions, type CommandSpec, type OptionSpec } from "./commands.ts";

function optionLines(options: Record<string, OptionSpec>): string[] {
  return Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : "    "}--${name}${o.value ? ` ${o.value}` : ""}`;
    return `  ${flag.padEnd(28)} ${o.description}`;
  });
}

export function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    "dev: a production-like Kubernetes environment on your laptop.",
    "",
    "Usage: dev <command> [options]",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Options:",
    ...optionLines(globalOptions),
    "  -v, --version                print the version",
    "",
    "Run `dev <command> --help` for a command's options.",
    "",
  ].join("\n");
}

export function commandHelp(c: CommandSpec): string {
  return [`${c.summary}`, "", `Usage: ${c.usage}`, "", "Options:", ...optionLines(c.options), ...optionLines(globalOptions), ""].join("\n");
}
