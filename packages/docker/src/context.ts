/**
 * Build inputs: the files Docker would send as the build context (after .dockerignore), and a
 * content hash of everything that decides the image. Equal hash ⇒ equal image, so a build can be skipped.
 */
import { createHash } from "node:crypto";
import { lstat, readdir, readFile, readlink } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import dockerignoreModule from "@balena/dockerignore";
import { contextDigests, type DigestCache } from "./digest-cache.ts";

// The package's types declare an ES default export; at runtime it is CommonJS `module.exports = factory`.
const dockerignore = dockerignoreModule as unknown as typeof dockerignoreModule.default;

export interface BuildInputs {
  /** Absolute path of the build context. */
  context: string;
  /** Absolute path of the Dockerfile. */
  dockerfile: string;
  args: Readonly<Record<string, string>>;
  target?: string | undefined;
}

/** Bump when the hash recipe changes, so old tags are not mistaken for new ones. */
const HASH_VERSION = "devup-context-v1";

/** A build context's .dockerignore as a matcher (paths relative to the context, "/"-separated). */
export interface IgnoreMatcher {
  ignores(path: string): boolean;
  /** Whether "!" lines re-include files, so an ignored folder may still hold sent files. */
  hasExceptions: boolean;
}

export function ignoreMatcher(dockerignoreText: string | undefined): IgnoreMatcher {
  const patterns = (dockerignoreText ?? "").split(/\r?\n/);
  const ig = dockerignore({ ignorecase: false }).add(patterns);
  return { ignores: (p) => ig.ignores(p), hasExceptions: patterns.some((p) => p.trim().startsWith("!")) };
}

/** A context's .dockerignore text, read only when it is a regular file: a symlink is never followed out of the context. */
export async function readDockerignore(context: string): Promise<string | undefined> {
  const path = join(context, ".dockerignore");
  const st = await lstat(path).catch(() => undefined);
  return st?.isFile() ? readFile(path, "utf8") : undefined;
}

async function readIgnore(context: string): Promise<IgnoreMatcher> {
  return ignoreMatcher(await readDockerignore(context));
}

/** Context files (relative, "/"-separated, sorted) that Docker would send, .dockerignore applied. */
export async function listContextFiles(context: string, dockerfile?: string): Promise<string[]> {
  const ig = await readIgnore(context);
  const hasExceptions = ig.hasExceptions;
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries) {
      const abs = join(dir, e.name);
      const rel = relative(context, abs).split(sep).join("/");
      if (e.isDirectory()) {
        // An ignored folder can still hold re-included files when the ignore file has "!" lines.
        if (!hasExceptions && ig.ignores(rel)) continue;
        await walk(abs);
      } else if (!ig.ignores(rel)) {
        out.push(rel);
      }
    }
  };
  await walk(context);
  // Docker always sends the Dockerfile and .dockerignore, ignored or not.
  for (const always of [dockerfile && relative(context, dockerfile).split(sep).join("/"), ".dockerignore"]) {
    if (always && !always.startsWith("..") && !out.includes(always) && (await exists(join(context, always)))) out.push(always);
  }
  return out.sort();
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}

const HASH_CONCURRENCY = 16;

/** A 16-hex-digit content hash of the build inputs: context files (path, exec bit, content), Dockerfile, args, target. */
export async function hashBuildInputs(inputs: BuildInputs, cache: DigestCache = contextDigests): Promise<string> {
  const files = await listContextFiles(inputs.context, inputs.dockerfile);
  const h = createHash("sha256").update(`${HASH_VERSION}\0`);
  const digest = async (rel: string) => {
    const abs = join(inputs.context, rel);
    const st = await lstat(abs, { bigint: true });
    const sum = st.isSymbolicLink() ? createHash("sha256").update(`link:${await readlink(abs)}`).digest("hex") : await cache.digest(abs, st);
    const mode = st.mode & 0o111n ? "x" : "-";
    return `${rel}\0${mode}\0${sum}\n`;
  };
  // A few files at a time: a context of tens of thousands of files must not be read into memory at once.
  const digests = new Array<string>(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      digests[i] = await digest(files[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(HASH_CONCURRENCY, files.length) }, worker));
  cache.keepOnly(join(inputs.context, sep), new Set(files.map((f) => join(inputs.context, f))));
  for (const d of digests) h.update(d);
  // The Dockerfile may live outside the context.
  h.update(`dockerfile\0${await readFile(inputs.dockerfile, "utf8")}\0`);
  for (const [k, v] of Object.entries(inputs.args).sort(([a], [b]) => a.localeCompare(b))) h.update(`arg\0${k}\0${v}\0`);
  h.update(`target\0${inputs.target ?? ""}\0`);
  return h.digest("hex").slice(0, 16);
}

/** The local image name for a built service: `devup.local/<project>-<service>:<hash>`. */
export function localImageRef(project: string, service: string, hash: string): string {
  return `devup.local/${project}-${service}:${hash}`;
}
