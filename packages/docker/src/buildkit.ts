/**
 * BuildKit builds through `docker buildx`: what real Dockerfiles need (`RUN --mount=type=cache`,
 * `--mount=type=secret`, parallel stages) and the classic builder refuses. The context is the same
 * tar the classic path sends (.dockerignore applied), piped on stdin; the image is loaded into the
 * engine (`--load`) so delivery works as before. Build secrets reach buildx through its
 * environment, never its arguments, and never a layer.
 *
 * Which buildx: DEVUP_BUILDX (a path), the docker CLI's buildx plugin, or the one the offline
 * harness built (~/.cache/devup/bin/buildx-<version>/docker-buildx). DEVUP_BUILDER=classic turns
 * BuildKit off; no buildx, or an engine without BuildKit, means the classic builder.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { DevupError, errorMessage } from "@devup/errors";
import { execa } from "execa";
import { createBuildkitProgress } from "./buildkit-progress.ts";

export interface Buildx {
  /** The program and the words before `build` ("docker" + ["buildx"], or a docker-buildx path + []). */
  command: string;
  prefix: string[];
  /** Where it was found, for `dev doctor` and the log. */
  source: "DEVUP_BUILDX" | "docker CLI plugin" | "offline harness";
}

export interface BuildkitBuild {
  buildx: Buildx;
  /**
   * The context: the tar of exactly the hashed files (.dockerignore applied, the file itself left
   * out: BuildKit copies an uploaded .dockerignore instead of applying it) with the Dockerfile's
   * name inside it; or, for a Dockerfile outside the context, the folder and the Dockerfile's path
   * (buildx applies .dockerignore itself, as the docker CLI does).
   */
  context: { tar: Readable; dockerfile: string } | { dir: string; dockerfile: string };
  tag: string;
  labels: Readonly<Record<string, string>>;
  args: Readonly<Record<string, string>>;
  target?: string | undefined;
  /** Build secrets: id → value, for `RUN --mount=type=secret,id=…`. */
  secrets?: Readonly<Record<string, string>> | undefined;
  onLine?: ((line: string) => void) | undefined;
  signal?: AbortSignal | undefined;
}

export interface BuildkitFailure {
  step: { index: string; instruction: string } | undefined;
  error: string;
  /** The line of the Dockerfile BuildKit pointed at. */
  line: number | undefined;
  tail: string[];
}

export type BuildkitResult = { ok: true; id: string | undefined } | { ok: false; failure: BuildkitFailure };

function cacheDir(env: NodeJS.ProcessEnv): string {
  return env.DEVUP_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "devup");
}

/** The buildx devup builds with, or undefined for the classic builder. Checked once per process and setting. */
const found = new Map<string, Promise<Buildx | undefined>>();
export function findBuildx(env: NodeJS.ProcessEnv = process.env): Promise<Buildx | undefined> {
  const key = `${env.DEVUP_BUILDER ?? ""}\0${env.DEVUP_BUILDX ?? ""}\0${env.DOCKER_HOST ?? ""}`;
  let hit = found.get(key);
  if (!hit) found.set(key, (hit = locate(env)));
  return hit;
}

async function locate(env: NodeJS.ProcessEnv): Promise<Buildx | undefined> {
  if (env.DEVUP_BUILDER === "classic") return undefined;
  const candidates: Buildx[] = [];
  if (env.DEVUP_BUILDX) candidates.push({ command: env.DEVUP_BUILDX, prefix: [], source: "DEVUP_BUILDX" });
  candidates.push({ command: "docker", prefix: ["buildx"], source: "docker CLI plugin" });
  const bin = join(cacheDir(env), "bin");
  const dirs = (await readdir(bin).catch(() => [] as string[])).filter((d) => d.startsWith("buildx-")).sort();
  const newest = dirs.at(-1);
  if (newest && existsSync(join(bin, newest, "docker-buildx"))) candidates.push({ command: join(bin, newest, "docker-buildx"), prefix: [], source: "offline harness" });
  for (const c of candidates) {
    // `inspect` of the current builder proves both the binary and the engine's BuildKit.
    const probe = await execa(c.command, [...c.prefix, "inspect"], { reject: false, timeout: 15_000, env: { BUILDX_NO_DEFAULT_ATTESTATIONS: "1" } });
    if (probe.exitCode === 0 && /Status:\s+running/i.test(String(probe.stdout))) return c;
    if (c.source === "DEVUP_BUILDX") {
      throw new DevupError("build", `DEVUP_BUILDX=${c.command} cannot build: ${firstLine(String(probe.stderr || probe.stdout)) || `exit ${String(probe.exitCode)}`}`, {
        hint: "Point DEVUP_BUILDX at a working docker-buildx binary, unset it, or set DEVUP_BUILDER=classic.",
      });
    }
  }
  return undefined;
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0] ?? "";
}

/** The command line for one build (no secret values: those go in the environment). */
export function buildxArgs(b: Omit<BuildkitBuild, "onLine" | "signal">, iidfile: string): { args: string[]; env: Record<string, string> } {
  const args = [...b.buildx.prefix, "build", "--progress=plain", "--load", "--provenance=false", "-f", b.context.dockerfile, "-t", b.tag, "--iidfile", iidfile];
  for (const [k, v] of Object.entries(b.labels)) args.push("--label", `${k}=${v}`);
  for (const [k, v] of Object.entries(b.args)) args.push("--build-arg", `${k}=${v}`);
  if (b.target) args.push("--target", b.target);
  const env: Record<string, string> = { BUILDX_NO_DEFAULT_ATTESTATIONS: "1" };
  Object.keys(b.secrets ?? {})
    .sort()
    .forEach((id, i) => {
      const name = `DEVUP_BUILD_SECRET_${i}`;
      env[name] = b.secrets![id]!;
      args.push("--secret", `id=${id},env=${name}`);
    });
  args.push("tar" in b.context ? "-" : b.context.dir);
  return { args, env };
}

/** One BuildKit build; resolves with the image ID or the failure as BuildKit described it. */
export async function buildWithBuildkit(b: BuildkitBuild): Promise<BuildkitResult> {
  const dir = await mkdtemp(join(tmpdir(), "devup-buildx-"));
  const iidfile = join(dir, "iid");
  const { args, env } = buildxArgs(b, iidfile);
  const progress = createBuildkitProgress();
  const onLines = (lines: string[]): void => {
    if (b.onLine) for (const l of lines) b.onLine(l);
  };
  try {
    const child = execa(b.buildx.command, args, {
      ...("tar" in b.context ? { input: b.context.tar } : { stdin: "ignore" as const }),
      env,
      reject: false,
      all: true,
      buffer: false,
      ...(b.signal ? { cancelSignal: b.signal } : {}),
      forceKillAfterDelay: 2000,
    });
    for await (const chunk of child.all as AsyncIterable<Buffer>) onLines(progress.push(chunk));
    const result = await child;
    onLines(progress.end());
    b.signal?.throwIfAborted();
    if (result.exitCode === 0) {
      const id = await readFile(iidfile, "utf8").then((s) => s.trim() || undefined, () => undefined);
      return { ok: true, id };
    }
    const error = progress.error ?? (result.exitCode === undefined ? `buildx stopped: ${result.signal ?? "killed"}` : `buildx exited with ${result.exitCode}`);
    return { ok: false, failure: { step: progress.step, error, line: progress.dockerfileLine, tail: progress.tail() } };
  } catch (cause) {
    b.signal?.throwIfAborted();
    throw new DevupError("build", `could not run ${b.buildx.command} ${b.buildx.prefix.join(" ")}: ${errorMessage(cause)}`.replace(/\s+:/, ":"), { cause });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
