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

const allowContext: OptionSpec = { type: "string", multiple: true, value: "NAME", description: "allow deploying to this kubeconfig context (devup never deploys to one it did not create otherwise)" };
const timeout: OptionSpec = { type: "string", value: "SECONDS", default: "300", description: "how long each service may take to become ready" };

export const commands: CommandSpec[] = [
  {
    name: "up",
    summary: "cluster, builds, delivery, apply, wait, port-forwards; forwards until Ctrl-C",
    usage: "dev up [--env NAME] [--no-forward] [--no-watch] [--no-tui] [--allow-context NAME] [--recreate-cluster] [--timeout SECONDS]",
    options: {
      env,
      "no-forward": { type: "boolean", description: "deploy and exit, without port-forwards (and without watching)" },
      "no-watch": { type: "boolean", description: "do not watch files (no live sync, no rebuild on change)" },
      "no-tui": { type: "boolean", description: "plain prefixed lines instead of the terminal UI (the default when stdout is not a terminal)" },
      "allow-context": allowContext,
      "recreate-cluster": { type: "boolean", description: "delete and create the kind cluster first" },
      timeout,
    },
    load: () => import("./commands/up.ts"),
  },
  {
    name: "apply",
    summary: "deploy once and wait until ready (no forwards): the kube_apply step",
    usage: "dev apply [--env NAME] [--allow-context NAME] [--timeout SECONDS]",
    options: { env, "allow-context": allowContext, timeout },
    load: () => import("./commands/apply.ts"),
  },
  {
    name: "run-local",
    summary: "the compose step: the spec as plain Docker containers (no Kubernetes); logs until Ctrl-C, which removes them",
    usage: "dev run-local [--env NAME] [--keep]",
    options: { env, keep: { type: "boolean", description: "leave the containers and the network running after Ctrl-C (the next run replaces them)" } },
    load: () => import("./commands/run-local.ts"),
  },
  {
    name: "down",
    summary: "remove devup's workloads; --cluster also deletes the kind cluster",
    usage: "dev down [--env NAME] [--cluster]",
    options: { env, cluster: { type: "boolean", description: "delete the kind cluster" }, "allow-context": allowContext },
    load: () => import("./commands/down.ts"),
  },
  {
    name: "status",
    summary: "services in the cluster: state, ready replicas, image, URLs",
    usage: "dev status [--env NAME] [--output json]",
    options: { env, "allow-context": allowContext },
    load: () => import("./commands/status.ts"),
  },
  {
    name: "logs",
    summary: "logs of a service's pods (or of all services), prefixed by service and pod",
    usage: "dev logs [SERVICE] [-f] [--tail N]",
    options: {
      env,
      follow: { type: "boolean", short: "f", description: "keep streaming, including pods that start later" },
      tail: { type: "string", value: "N", default: "100", description: "lines from the end of each container" },
      "allow-context": allowContext,
    },
    load: () => import("./commands/logs.ts"),
  },
  {
    name: "doctor",
    summary: "check Docker, kind, the cluster, free ports and disk",
    usage: "dev doctor [--env NAME]",
    options: { env },
    load: () => import("./commands/doctor.ts"),
  },
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
