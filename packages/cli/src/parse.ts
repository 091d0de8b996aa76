/**
 * The command line, parsed like its peers: options anywhere (before or after the command), command
 * groups with their own help, "did you mean" for commands and options, and every mistake a usage
 * error (exit 2) that names the word. node:util's parseArgs splits the words; the rules are here.
 */
import { parseArgs } from "node:util";
import { DevupError, didYouMean } from "@devup/errors";
import { commands, globalOptions, groups, type CommandSpec, type OptionSpec } from "./commands.ts";
import { commandHelp, groupHelp, mainHelp, subcommandLines } from "./help.ts";

type OptionValues = Record<string, string | boolean | string[] | undefined>;

export type CommandLine =
  | { kind: "help"; text: string }
  | { kind: "version" }
  | { kind: "command"; command: CommandSpec; options: OptionValues; positionals: string[] };

type Token = NonNullable<ReturnType<typeof parseArgs>["tokens"]>[number];
type OptionToken = Extract<Token, { kind: "option" }>;
type Table = Record<string, OptionSpec>;

/** Every option of every command: enough to tell which options take a value before the command is known. */
const everyOption: Table = Object.assign({}, ...commands.map((c) => c.options), globalOptions) as Table;

function split(args: readonly string[], table: Table) {
  return parseArgs({ args: [...args], options: table, strict: false, allowPositionals: true, tokens: true });
}

/** Whether the line asks for NDJSON (`--output json` anywhere), so that even a usage error is an event. */
export function wantsJson(argv: readonly string[]): boolean {
  return split(argv, everyOption).values.output === "json";
}

export function parseCommandLine(argv: readonly string[]): CommandLine {
  const { tokens } = split(argv, everyOption);
  const terminator = tokens.findIndex((t) => t.kind === "option-terminator");
  const words = (terminator < 0 ? tokens : tokens.slice(0, terminator)).filter((t) => t.kind === "positional");
  const options = tokens.filter((t) => t.kind === "option");
  const helpWord = words[0]?.value === "help" ? words[0] : undefined;
  const commandWords = helpWord ? words.slice(1) : words;
  const found = findCommand(commandWords.map((w) => w.value));

  if (!found) {
    // An unknown option may have taken its value for a command word (`dev --outptu json validate`): name the option.
    const unknown = options.find((t) => !Object.hasOwn(everyOption, t.name));
    if (unknown) throw unknownOption(unknown, undefined);
    if (options.some((t) => t.name === "version")) return { kind: "version" };
    const wantsHelp = helpWord !== undefined || options.some((t) => t.name === "help");
    const [first, second] = commandWords.map((w) => w.value);
    if (first === undefined) {
      if (argv.length === 0 || wantsHelp) return { kind: "help", text: mainHelp() };
      throw new DevupError("usage", "no command given", { hint: "run `dev --help` for the list of commands" });
    }
    if (Object.hasOwn(groups, first)) {
      if (second !== undefined) throw unknownCommand(`${first} ${second}`, groupCommands(first), `run \`dev ${first} --help\` for its commands`);
      if (wantsHelp) return { kind: "help", text: groupHelp(first) };
      throw new DevupError("usage", `dev ${first} needs a command`, {
        details: subcommandLines(first),
        hint: `run \`dev ${first} <command> --help\` for a command's options`,
      });
    }
    throw unknownCommand(first, [...new Set(commands.map((c) => c.name.split(" ")[0] ?? c.name)), "help"], "run `dev --help` for the list of commands");
  }

  const { command, wordCount } = found;
  const taken = new Set([helpWord, ...commandWords.slice(0, wordCount)].map((w) => w?.index));
  const table: Table = { ...globalOptions, ...command.options };
  const parsed = split(
    argv.filter((_, i) => !taken.has(i)),
    table,
  );
  for (const t of parsed.tokens) if (t.kind === "option") checkOption(t, table, command);
  const values = parsed.values as OptionValues;
  if (values.version) return { kind: "version" };
  if (values.help || helpWord) return { kind: "help", text: commandHelp(command) };
  if (values.output !== "text" && values.output !== "json") {
    throw new DevupError("usage", `--output must be text or json, not ${JSON.stringify(values.output)}`, { hint: "leave it out for text, or write --output json for NDJSON events" });
  }
  checkArguments(command, parsed.positionals);
  return { kind: "command", command, options: values, positionals: parsed.positionals };
}

/** The longest command whose words start the line's words (`env clone` before a lone `env`). */
function findCommand(words: readonly string[]): { command: CommandSpec; wordCount: number } | undefined {
  let best: { command: CommandSpec; wordCount: number } | undefined;
  for (const command of commands) {
    const parts = command.name.split(" ");
    if (parts.every((p, i) => words[i] === p) && parts.length > (best?.wordCount ?? 0)) best = { command, wordCount: parts.length };
  }
  return best;
}

function groupCommands(group: string): string[] {
  return commands.filter((c) => c.name.startsWith(`${group} `)).map((c) => c.name);
}

function unknownCommand(word: string, candidates: readonly string[], hint: string): DevupError {
  const guess = didYouMean(word, candidates);
  return new DevupError("usage", `unknown command ${JSON.stringify(word)}${guess ? `; did you mean ${JSON.stringify(guess)}?` : ""}`, { hint });
}

function helpHint(command: CommandSpec | undefined): string {
  return command ? `run \`dev ${command.name} --help\` for its options` : "run `dev --help` for the options and commands";
}

function unknownOption(t: OptionToken, command: CommandSpec | undefined): DevupError {
  const table: Table = command ? { ...globalOptions, ...command.options } : globalOptions;
  const guess = t.rawName.startsWith("--") ? didYouMean(t.name, Object.keys(table)) : undefined;
  const owners = t.rawName.startsWith("--") ? commands.filter((c) => Object.hasOwn(c.options, t.name)).map((c) => `\`dev ${c.name}\``) : [];
  const hint = owners.length ? `${t.rawName} is an option of ${owners.join(" and ")}; ${helpHint(command)}` : helpHint(command);
  return new DevupError("usage", `unknown option ${JSON.stringify(t.rawName)}${guess ? `; did you mean "--${guess}"?` : ""}`, { hint });
}

function checkOption(t: OptionToken, table: Table, command: CommandSpec): void {
  const spec = Object.hasOwn(table, t.name) ? table[t.name] : undefined;
  if (!spec) throw unknownOption(t, command);
  const flag = `--${t.name}`;
  if (spec.type === "boolean") {
    if (t.value !== undefined) throw new DevupError("usage", `${flag} takes no value, not ${JSON.stringify(t.value)}`, { hint: helpHint(command) });
    return;
  }
  const placeholder = spec.value ?? "VALUE";
  if (t.value === undefined) throw new DevupError("usage", `${flag} needs a value (${placeholder})`, { hint: helpHint(command) });
  // Like getopt and parseArgs' strict mode: `--env --force` is a missing value, not an environment named "--force".
  if (!t.inlineValue && t.value.length > 1 && t.value.startsWith("-")) {
    throw new DevupError("usage", `${flag} needs a value (${placeholder}), not the option ${JSON.stringify(t.value)}`, { hint: `write ${flag}=${t.value} if that is the value` });
  }
}

function checkArguments(command: CommandSpec, positionals: readonly string[]): void {
  const args = command.args ?? [];
  const hint = `usage: ${command.usage}`;
  // A last argument ending in "..." takes every remaining word.
  const extra = args.at(-1)?.replace(/\?$/, "").endsWith("...") ? undefined : positionals[args.length];
  if (extra !== undefined) throw new DevupError("usage", `unexpected argument ${JSON.stringify(extra)}${args.length ? "" : `: dev ${command.name} takes no arguments`}`, { hint });
  const missing = args.filter((a) => !a.endsWith("?")).slice(positionals.length);
  if (missing.length) throw new DevupError("usage", `dev ${command.name} needs ${missing.join(" and ")}`, { hint });
}
