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
  /** Positional arguments in order, as named in `usage`; a trailing "?" marks an optional one, a trailing "..." before it (last only) any number. None when absent. */
  args?: readonly string[];
  options: Record<string, OptionSpec>;
  load: () => Promise<{ default: CommandRun }>;
}

export const globalOptions: Record<string, OptionSpec> = {
  output: { type: "string", short: "o", value: "FORMAT", default: "text", description: "text, or json for NDJSON events on stdout" },
  cwd: { type: "string", short: "C", value: "DIR", description: "run as if started in DIR" },
  help: { type: "boolean", short: "h", description: "show help" },
  version: { type: "boolean", short: "v", description: "print the version" },
};

/** Command groups: the first word of multi-word commands (`dev env clone`), with what `dev <group> --help` says. */
export const groups: Record<string, string> = {
  env: "environments of this project: copy one into a new namespace, or move the images one runs into another",
  import: "turn another tool's files into dev.yaml and services/*/service.yaml",
  drill: "rehearse what production does to a service (a pod deleted, a rolling restart) under bounded traffic, and measure it",
};

const env: OptionSpec = { type: "string", short: "e", value: "NAME", description: "environment overlay to use (default: local)" };
const force: OptionSpec = { type: "boolean", short: "f", description: "overwrite files that already exist" };

const allowContext: OptionSpec = { type: "string", multiple: true, value: "NAME", description: "allow deploying to this kubeconfig context (devup never deploys to one it did not create otherwise)" };
const logFields: OptionSpec = { type: "boolean", description: "JSON log lines: show every field, not just time, level and message (secret-looking names redacted)" };
const logRaw: OptionSpec = { type: "boolean", description: "log lines exactly as the service wrote them" };
const yes: OptionSpec = { type: "boolean", short: "y", description: "do it without asking (required outside a terminal, e.g. in CI)" };
const timeout: OptionSpec = { type: "string", value: "SECONDS", default: "300", description: "how long each service may take to become ready" };

const drillSeconds: OptionSpec = { type: "string", value: "N", default: "60", description: "at most this long (traffic and waiting for full strength)" };
const drillRequests: OptionSpec = { type: "string", value: "N", default: "3000", description: "at most this many requests per path (to 127.0.0.1 only)" };

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
    name: "ci",
    summary: "deploy, wait until ready, run each service's test.command as a Job, print a summary, then remove it all",
    usage: "dev ci [--env NAME] [--keep] [--timeout SECONDS] [--test-timeout SECONDS]",
    options: {
      env,
      keep: { type: "boolean", description: "leave the workloads running afterwards (dev down removes them)" },
      "allow-context": allowContext,
      timeout,
      "test-timeout": { type: "string", value: "SECONDS", default: "600", description: "how long each test Job may run" },
    },
    load: () => import("./commands/ci.ts"),
  },
  {
    name: "run-local",
    summary: "the compose step: the spec as plain Docker containers (no Kubernetes); watches files (sync or rebuild) and shows logs until Ctrl-C, which removes them",
    usage: "dev run-local [--env NAME] [--keep] [--no-watch] [--fields] [--raw]",
    options: {
      env,
      keep: { type: "boolean", description: "leave the containers and the network running after Ctrl-C (the next run replaces them)" },
      "no-watch": { type: "boolean", description: "do not watch files (no sync into the containers, no rebuild on change)" },
      fields: logFields,
      raw: logRaw,
    },
    load: () => import("./commands/run-local.ts"),
  },
  {
    name: "down",
    summary: "remove devup's workloads (persistent volumes and their data stay); --volumes removes those too; --cluster deletes the kind cluster",
    usage: "dev down [--env NAME] [--volumes] [--cluster]",
    options: {
      env,
      volumes: { type: "boolean", description: "also remove the persistent volumes and their data (PersistentVolumeClaims, run-local's Docker volumes)" },
      cluster: { type: "boolean", description: "delete the kind cluster" },
      "allow-context": allowContext,
    },
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
    usage: "dev logs [SERVICE] [-f] [--tail N] [--fields] [--raw]",
    args: ["SERVICE?"],
    options: {
      env,
      follow: { type: "boolean", short: "f", description: "keep streaming, including pods that start later" },
      tail: { type: "string", value: "N", default: "100", description: "lines from the end of each container" },
      fields: logFields,
      raw: logRaw,
      "allow-context": allowContext,
    },
    load: () => import("./commands/logs.ts"),
  },
  {
    name: "drill pod",
    summary: "delete a serving pod of SERVICE under bounded traffic; report failed requests, the longest gap and the time back to full strength",
    usage: "dev drill pod SERVICE [--seconds N] [--requests N] [--env NAME]",
    args: ["SERVICE"],
    options: { env, "allow-context": allowContext, seconds: drillSeconds, requests: drillRequests },
    load: () => import("./commands/drill.ts").then((m) => ({ default: m.drillPod })),
  },
  {
    name: "drill rollout",
    summary: "a rolling restart of SERVICE under bounded traffic; report failed requests, the longest gap and the time back to full strength",
    usage: "dev drill rollout SERVICE [--seconds N] [--requests N] [--env NAME]",
    args: ["SERVICE"],
    options: { env, "allow-context": allowContext, seconds: drillSeconds, requests: drillRequests },
    load: () => import("./commands/drill.ts").then((m) => ({ default: m.drillRollout })),
  },
  {
    name: "drill node",
    summary: "drain NODE (cordon, evict its pods honouring PodDisruptionBudgets, uncordon after) under bounded traffic to every service; report each one",
    usage: "dev drill node NODE [--seconds N] [--requests N] [--env NAME]",
    args: ["NODE"],
    options: { env, "allow-context": allowContext, seconds: drillSeconds, requests: drillRequests },
    load: () => import("./commands/drill.ts").then((m) => ({ default: m.drillNode })),
  },
  {
    name: "promote",
    summary: "promote: manual: blueGreen: switch SERVICE's traffic to the release waiting, ready, in its idle slot; canary: check it and move it to the next step of ingress traffic",
    usage: "dev promote SERVICE [--env NAME]",
    args: ["SERVICE"],
    options: { env, "allow-context": allowContext },
    load: () => import("./commands/release.ts").then((m) => ({ default: m.promote })),
  },
  {
    name: "abort",
    summary: "blueGreen: scale the release waiting in SERVICE's idle slot to 0, traffic stays where it is; canary: all traffic back to the stable version, the canary scaled to 0",
    usage: "dev abort SERVICE [--env NAME]",
    args: ["SERVICE"],
    options: { env, "allow-context": allowContext },
    load: () => import("./commands/release.ts").then((m) => ({ default: m.abort })),
  },
  {
    name: "rollback",
    summary: "redeploy a service's previous revision (image and config) from its deploy history in the cluster; --list shows the history",
    usage: "dev rollback SERVICE [--to N] [--list] [--env NAME] [--timeout SECONDS]",
    args: ["SERVICE"],
    options: {
      env,
      to: { type: "string", value: "N", description: "the revision to redeploy (default: the last ready one before the current)" },
      list: { type: "boolean", description: "list the service's revisions instead" },
      "allow-context": allowContext,
      timeout,
    },
    load: () => import("./commands/rollback.ts"),
  },
  {
    name: "env clone",
    summary: "add environment TO to dev.yaml as a copy of FROM's overlay and deploy the images FROM runs into TO's namespace",
    usage: "dev env clone FROM TO [--yes] [--allow-context NAME] [--timeout SECONDS]",
    args: ["FROM", "TO"],
    options: { yes, "allow-context": allowContext, timeout },
    load: () => import("./commands/env-clone.ts"),
  },
  {
    name: "env promote",
    summary: "deploy the exact image references running in FROM into TO (with TO's overlay) and wait until ready",
    usage: "dev env promote FROM TO [--yes] [--allow-context NAME] [--timeout SECONDS]",
    args: ["FROM", "TO"],
    options: { yes, "allow-context": allowContext, timeout },
    load: () => import("./commands/env-promote.ts"),
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
      out: { type: "string", value: "DIR", description: 'output folder, relative to the project root (default: k8s/<env>); only a new, empty or devup-written folder; "-" writes one YAML stream to stdout' },
      "include-secrets": { type: "boolean", description: "write real secret values instead of <redacted>" },
    },
    load: () => import("./commands/render.ts"),
  },
  {
    name: "eject",
    summary: "write a service's generated objects as plain YAML into its folder and switch its service.yaml to manifests:",
    usage: "dev eject SERVICE [--force] [--env NAME]",
    args: ["SERVICE"],
    options: {
      env,
      force: { type: "boolean", description: "replace YAML files already in <service>/deploy/ (a copy of each is kept in .devup/backup/)" },
    },
    load: () => import("./commands/eject.ts"),
  },
  {
    name: "validate",
    summary: "check dev.yaml and every service.yaml, and list all problems",
    usage: "dev validate [--env NAME] [--cluster]",
    options: { env, cluster: { type: "boolean", description: "also look at the cluster: ingress hosts and paths another namespace claims" } },
    load: () => import("./commands/validate.ts"),
  },
  {
    name: "import compose",
    summary: "turn a docker-compose.yml into dev.yaml and services/*/service.yaml",
    usage: "dev import compose [FILE|DIR...] [--force]",
    args: ["FILE|DIR...?"],
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
