/**
 * One image build: send exactly the context files (.dockerignore applied, as listContextFiles
 * says), stream the engine's output line by line, and turn a failure into a DevupError that
 * names the step and shows the tail of the output.
 */
import { lstat, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { Readable } from "node:stream";
import { DevupError } from "@devup/errors";
import type Docker from "dockerode";
import { createBuildProgress } from "./build-progress.ts";
import { buildWithBuildkit, findBuildx, type BuildkitBuild, type BuildkitFailure } from "./buildkit.ts";
import { hashBuildInputs, listContextFiles, readDockerignore, type BuildInputs } from "./context.ts";
import { dockerError } from "./engine.ts";
import { isInside, packFiles, type MemoryEntry } from "@devup/files";

/** The label every devup-built image carries: the build-inputs hash it was built from. */
export const INPUTS_HASH_LABEL = "devup.dev/inputs-hash";

export interface BuildImageOptions {
  inputs: BuildInputs;
  /** The full reference to tag the image with (normally `localImageRef(...)`). */
  tag: string;
  /** The service name, for messages. Defaults to the tag. */
  service?: string | undefined;
  /** The inputs hash for the label; computed when not given. */
  hash?: string | undefined;
  /** Called for each line of build output. */
  onLine?: ((line: string) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** Build secrets (id → value) for `RUN --mount=type=secret,id=…`; BuildKit only, never in a layer or a log. */
  secrets?: Readonly<Record<string, string>> | undefined;
}

export interface BuiltImage {
  tag: string;
  /** sha256:… image ID, when the engine reported it. */
  id: string | undefined;
  /** Which builder made it. */
  builder: "buildkit" | "classic";
}

/** Where an outside-the-context Dockerfile goes inside the tar. */
const OUTSIDE_DOCKERFILE = ".devup.Dockerfile";

/**
 * Build and tag one image, with BuildKit (`docker buildx`) when this machine has it, else the
 * engine's classic builder; throws DevupError("build") naming the failed step and Dockerfile line.
 */
export async function buildImage(docker: Docker, options: BuildImageOptions): Promise<BuiltImage> {
  const { inputs, tag } = options;
  const service = options.service ?? tag;
  const hash = options.hash ?? (await hashBuildInputs(inputs));
  const buildx = await findBuildx();
  const buildkitContext = buildx ? await buildkitContextOf(inputs) : undefined;
  if (buildx && buildkitContext) {
    const result = await buildWithBuildkit({
      buildx,
      context: buildkitContext,
      tag,
      labels: { [INPUTS_HASH_LABEL]: hash },
      args: inputs.args,
      target: inputs.target,
      secrets: options.secrets,
      onLine: options.onLine,
      signal: options.signal,
    });
    if (result.ok) return { tag, id: result.id, builder: "buildkit" };
    throw await buildkitError(service, inputs.dockerfile, result.failure);
  }
  const { tar, dockerfile } = await buildContext(inputs);
  const buildargs: Record<string, string> = { ...inputs.args };
  const buildOptions: Docker.ImageBuildOptions & { abortSignal?: AbortSignal } = {
    t: tag,
    dockerfile,
    buildargs,
    labels: { [INPUTS_HASH_LABEL]: hash },
    rm: true,
    forcerm: true,
    ...(inputs.target ? { target: inputs.target } : {}),
    ...(options.signal ? { abortSignal: options.signal } : {}),
  };

  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.buildImage(tar, buildOptions);
  } catch (cause) {
    options.signal?.throwIfAborted();
    throw dockerError(`${service}: the Docker engine refused the build`, cause);
  }

  const progress = createBuildProgress();
  const onLines = (lines: string[]): void => {
    if (options.onLine) for (const l of lines) options.onLine(l);
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) onLines(progress.push(chunk));
  } catch (cause) {
    options.signal?.throwIfAborted();
    throw dockerError(`${service}: the build output stream broke off`, cause);
  }
  onLines(progress.end());

  if (progress.error !== undefined) {
    const step = progress.step;
    const line = step ? await readFile(options.inputs.dockerfile, "utf8").then((text) => dockerfileLine(text, step.instruction), () => undefined) : undefined;
    const file = `${displayPath(options.inputs.dockerfile)}${line ? `:${line}` : ""}`;
    const where = step ? `step ${userStep(step.index)}: ${step.instruction} (${file})` : `the start (before any step; ${file})`;
    throw new DevupError("build", `${service}: build failed at ${where}`, {
      hint: buildHint(step?.instruction, progress.error),
      details: progress.tail(),
    });
  }
  return { tag, id: progress.imageId, builder: "classic" };
}

async function buildkitError(service: string, dockerfilePath: string, failure: BuildkitFailure): Promise<DevupError> {
  // Newer BuildKit prints the line ("Dockerfile:7"); the engine's own (v0.8 in Docker 20.10) does not.
  const step = failure.step;
  const line = failure.line ?? (step ? await readFile(dockerfilePath, "utf8").then((text) => dockerfileLine(text, step.instruction), () => undefined) : undefined);
  const file = `${displayPath(dockerfilePath)}${line ? `:${line}` : ""}`;
  const where = step ? `${step.index ? `step ${step.index}: ` : ""}${step.instruction} (${file})` : `the start (before any step; ${file})`;
  return new DevupError("build", `${service}: build failed at ${where}`, {
    hint: buildHint(step?.instruction, failure.error),
    details: failure.tail,
  });
}

/** A path as the user would type it from here: relative to the working folder when inside it. */
function displayPath(path: string): string {
  const cwd = process.cwd();
  return path !== cwd && isInside(path, cwd) ? relative(cwd, path).split(sep).join("/") : path;
}

/**
 * The 1-based line of the Dockerfile where a step's instruction starts, as the engine echoes it
 * ("RUN npm ci"): the first line (continuations joined) that reads the same, case and spaces aside.
 */
export function dockerfileLine(text: string, instruction: string): number | undefined {
  const norm = (s: string) => s.replace(/\s+/g, " ").trim().toLowerCase();
  const want = norm(instruction);
  if (!want) return undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let joined = lines[i] ?? "";
    for (let j = i; joined.trimEnd().endsWith("\\") && j + 1 < lines.length; j++) joined = `${joined.trimEnd().slice(0, -1)} ${lines[j + 1] ?? ""}`;
    const have = norm(joined);
    if (have && (have === want || have.startsWith(want))) return i + 1;
  }
  return undefined;
}

/**
 * The engine counts the LABEL step it appends for our labels ("Step 3/4" in a 3-step Dockerfile);
 * report steps as the user's Dockerfile counts them.
 */
export function userStep(index: string): string {
  const [n, m] = index.split("/").map(Number);
  if (n === undefined || m === undefined || !(n < m)) return index;
  return `${n}/${m - 1}`;
}

function buildHint(instruction: string | undefined, error: string): string {
  if (/--mount|requires BuildKit|unknown flag: mount|heredoc/i.test(error)) {
    return "This Dockerfile needs BuildKit: install the docker buildx plugin (Docker Desktop has it), or run scripts/cluster/ensure, which builds one; DEVUP_BUILDX can point at a docker-buildx binary.";
  }
  if (instruction?.toUpperCase().startsWith("FROM") || /pull access denied|manifest unknown|no such host|dial tcp/i.test(error)) {
    return "The base image is neither present locally nor reachable in a registry: build or pull it first (`docker image ls` shows what the engine has).";
  }
  return "Fix the failing step in the Dockerfile (or the command it runs), then run again; the last lines of its output are above.";
}

/**
 * What BuildKit is sent: the tar of the hashed files without .dockerignore (BuildKit would copy it,
 * not apply it); for a Dockerfile outside the context, the folder itself (buildx applies
 * .dockerignore there) — unless that .dockerignore is a symlink, which is never followed: then
 * undefined, and the classic builder builds it.
 */
async function buildkitContextOf(inputs: BuildInputs): Promise<BuildkitBuild["context"] | undefined> {
  const rel = relative(inputs.context, inputs.dockerfile).split(sep).join("/");
  const files = await listContextFiles(inputs.context, inputs.dockerfile);
  if (!rel.startsWith("../") && rel !== ".." && !rel.startsWith("/")) {
    return { tar: packFiles(inputs.context, files.filter((f) => f !== ".dockerignore")), dockerfile: rel };
  }
  const ignore = await lstat(join(inputs.context, ".dockerignore")).catch(() => undefined);
  if (ignore?.isSymbolicLink()) return undefined;
  return { dir: inputs.context, dockerfile: inputs.dockerfile };
}

/** The tar stream and the Dockerfile's name inside it. */
async function buildContext(inputs: BuildInputs): Promise<{ tar: Readable; dockerfile: string }> {
  const files = await listContextFiles(inputs.context, inputs.dockerfile);
  if (isInside(inputs.dockerfile, inputs.context)) {
    return { tar: packFiles(inputs.context, files), dockerfile: relative(inputs.context, inputs.dockerfile).split(sep).join("/") };
  }
  // Dockerfile outside the context: send it under a reserved name, and list that name in the
  // sent .dockerignore so the engine drops it from the context after reading it (the Docker CLI
  // does the same), keeping it out of `COPY . .`.
  const content = await readFile(inputs.dockerfile).catch((cause: unknown) => {
    throw new DevupError("build", `cannot read the Dockerfile ${inputs.dockerfile}`, { cause, details: [String(cause)] });
  });
  const ignore = (await readDockerignore(inputs.context)) ?? "";
  const extras: MemoryEntry[] = [
    { name: OUTSIDE_DOCKERFILE, content },
    { name: ".dockerignore", content: Buffer.from(`${ignore}\n${OUTSIDE_DOCKERFILE}\n.dockerignore\n`) },
  ];
  return { tar: packFiles(inputs.context, files.filter((f) => f !== ".dockerignore"), extras), dockerfile: OUTSIDE_DOCKERFILE };
}
