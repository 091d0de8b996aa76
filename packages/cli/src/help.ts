import { commands, globalOptions, groups, type CommandSpec, type OptionSpec } from "./commands.ts";

function optionLines(options: Record<string, OptionSpec>): string[] {
  return Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : "    "}--${name}${o.value ? ` ${o.value}` : ""}`;
    return `  ${flag.padEnd(28)} ${o.description}`;
  });
}

function commandLines(list: readonly CommandSpec[], name: (c: CommandSpec) => string): string[] {
  const width = Math.max(...list.map((c) => name(c).length));
  return list.map((c) => `  ${name(c).padEnd(width)}  ${c.summary}`);
}

export function mainHelp(): string {
  return [
    "dev: a production-like Kubernetes environment on your laptop.",
    "",
    "Usage: dev <command> [options]",
    "",
    "Commands:",
    ...commandLines(commands, (c) => c.name),
    "",
    "Options (before or after the command):",
    ...optionLines(globalOptions),
    "",
    "Run `dev <command> --help` for a command's options.",
    "",
  ].join("\n");
}

/** The commands of a group (`dev env`): one line each, without the group's word. */
export function subcommandLines(group: string): string[] {
  return commandLines(
    commands.filter((c) => c.name.startsWith(`${group} `)),
    (c) => c.name.slice(group.length + 1),
  );
}

export function groupHelp(group: string): string {
  return [
    groups[group] ?? "",
    "",
    `Usage: dev ${group} <command> [options]`,
    "",
    "Commands:",
    ...subcommandLines(group),
    "",
    `Run \`dev ${group} <command> --help\` for a command's options.`,
    "",
  ].join("\n");
}

export function commandHelp(c: CommandSpec): string {
  return [`${c.summary}`, "", `Usage: ${c.usage}`, "", "Options:", ...optionLines(c.options), ...optionLines(globalOptions), ""].join("\n");
}
