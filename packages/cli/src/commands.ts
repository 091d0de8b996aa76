/** The command table: every `dev` command declared as data; implementations load on demand. */
import type { CommandRun } from "./context.ts";

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  default?: string | boolean;
  /** Placeholder shown in help, e.g. "DIR". */
  value?: string;
  description: string;
}

export interface CommandSpec {
  /** Words after `dev`, e.g. "import compose". */
  name: string;
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
  load: () => Promise<{ default: CommandRun }>;
}

export const globalOptions: Record<string, OptionSpec> = {
  output: { type: "string", short: "o", value: "FORMAT", default: "text", description: "text, or json for NDJSON events on stdout" },
  cwd: { type: "string", short: "C", value: "DIR", description: "run as if started in DIR" },
  help: { type: "boolean", short: "h", description: "show help" },
};

const env: OptionSpec = { type: "string", short: "e", value: "NAME", description: "environment overlay to use (default: local)" };
const force: OptionSpec = { type: "boolean", short: "f", description: "overwrite files that already exist" };

export const commands: CommandSpec[] = [
  {
    name: "render",
    summary: "write the Kubernetes YAML that `dev up` applies (one file per object)",
    usage: "dev render [--env NAME] [--out DIR|-] [--include-secrets]",
    options: {
      env,
      out: { type: "string", value: "DIR", description: 'output folder (default: k8s/<env>); "-" writes one YAML stream to stdout' },
      "include-secrets": { type: "boolean", description: "write real secret values instead of <redacted>" },
    },
    load: () => import("./commands/render.ts"),
  },
  {
    name: "validate",
    summary: "check dev.yaml and every service.yaml, and list all problems",
    usage: "dev validate [--env NAME]",
    options: { env },
    load: () => import("./commands/validate.ts"),
  },
  {
    name: "import compose",
    summary: "turn a docker-compose.yml into dev.yaml and services/*/service.yaml",
    usage: "dev import compose [FILE] [--force]",
    options: { force },
    load: () => import("./commands/import-compose.ts"),
  },
  {
    name: "init",
    summary: "create a spec: import a compose file if there is one, else scaffold from Dockerfiles",
    usage: "dev init [--force]",
    options: { force },
    load: () => import("./commands/init.ts"),
  },
];
