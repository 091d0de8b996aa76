/**
 * kind for a laptop that has Docker but no kind: the pinned release for this platform, checked
 * against its pinned SHA-256, into devup's cache (`<cache>/bin/kind-<version>/kind`, where the
 * offline harness puts the kind it builds); else `go install sigs.k8s.io/kind@<version>` where Go
 * exists; else one line saying how to install it.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { DevupError, errorMessage } from "@devup/errors";
import { execa } from "execa";

export const KIND_VERSION = "v0.30.0";

/**
 * SHA-256 of the kind v0.30.0 release binaries (the release's `kind-<os>-<arch>.sha256sum` files).
 * Bump with the version: download each `.sha256sum` from the release page and paste it here.
 */
const KIND_SHA256: Readonly<Record<string, string>> = {
  "linux-amd64": "517ab7fc89ddeed5fa65abf71530d90648d9638ef0c4cde22c2c11f8097b8889",
  "linux-arm64": "7ea2de9d2d190022ed4a8a4e3ac0636c8a455e460b9a13ccf19f15d07f4f00eb",
  "darwin-amd64": "4f0b6e3b88bdc66d922c08469f05ef507d4903dd236e6319199bb9c868eed274",
  "darwin-arm64": "ceaf40df1d1551c481fb50e3deb5c3deecad5fd599df5469626b70ddf52a1518",
};

const RELEASES = "https://github.com/kubernetes-sigs/kind/releases/download";
const INSTALL_HINT = `install kind ${KIND_VERSION}: brew install kind, or go install sigs.k8s.io/kind@${KIND_VERSION}, or see https://kind.sigs.k8s.io/docs/user/quick-start/#installation`;

/** The release asset's platform ("linux-amd64"), or undefined where kind publishes none. */
export function kindAsset(platform: string = process.platform, arch: string = process.arch): string | undefined {
  const os = platform === "linux" || platform === "darwin" ? platform : undefined;
  const cpu = arch === "x64" ? "amd64" : arch === "arm64" ? "arm64" : undefined;
  return os && cpu ? `${os}-${cpu}` : undefined;
}

export function devupCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DEVUP_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "devup");
}

export interface FetchKindOptions {
  cacheDir: string;
  /** Where releases are (default: GitHub; DEVUP_KIND_RELEASES overrides it, tests serve a fake one). */
  releases?: string;
  asset?: string;
  /** asset → SHA-256 (default: the pinned table). */
  checksums?: Readonly<Record<string, string>>;
  version?: string;
}

/** Downloads the pinned kind into the cache unless it is there; refuses a binary whose SHA-256 differs. */
export async function fetchKind(options: FetchKindOptions): Promise<string> {
  const version = options.version ?? KIND_VERSION;
  const asset = options.asset ?? kindAsset();
  const sums = options.checksums ?? KIND_SHA256;
  const want = asset ? sums[asset] : undefined;
  if (!asset || !want) throw new DevupError("cluster", `kind publishes no ${version} binary pinned for ${process.platform}/${process.arch}`, { hint: INSTALL_HINT });
  const dir = join(options.cacheDir, "bin", `kind-${version}`);
  const dest = join(dir, "kind");
  if (existsSync(dest)) return dest;
  const url = `${(options.releases ?? process.env.DEVUP_KIND_RELEASES ?? RELEASES).replace(/\/$/, "")}/${version}/kind-${asset}`;
  let bytes: Buffer;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(120_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
    bytes = Buffer.from(await res.arrayBuffer());
  } catch (cause) {
    throw new DevupError("cluster", `could not download kind ${version} from ${url}`, { details: [errorMessage(cause)], hint: INSTALL_HINT, cause });
  }
  const got = createHash("sha256").update(bytes).digest("hex");
  if (got !== want) {
    throw new DevupError("cluster", `the kind ${version} download (${url}) has SHA-256 ${got}, not the pinned ${want}: refused, nothing was installed`, {
      hint: `a proxy or mirror may have changed it; ${INSTALL_HINT}`,
    });
  }
  await mkdir(dir, { recursive: true });
  const part = `${dest}.${process.pid}.part`;
  try {
    await writeFile(part, bytes, { mode: 0o755 });
    await chmod(part, 0o755);
    await rename(part, dest);
  } finally {
    await rm(part, { force: true });
  }
  return dest;
}

export interface EnsureKindOptions extends Partial<FetchKindOptions> {
  /** A kind already found (DEVUP_KIND, PATH, the cache). */
  found?: string | undefined;
  say?: (message: string) => void;
  /** The Go binary to try (default: go on PATH). */
  go?: string;
}

/** A kind binary: the one found, else the pinned download, else `go install`, else a DevupError with the one-line fix. */
export async function ensureKind(options: EnsureKindOptions = {}): Promise<string> {
  if (options.found) return options.found;
  const cacheDir = options.cacheDir ?? devupCacheDir();
  const say = options.say ?? (() => undefined);
  const problems: string[] = [];
  try {
    say(`kind is not installed: fetching kind ${options.version ?? KIND_VERSION} for this platform into ${cacheDir}/bin`);
    return await fetchKind({ ...options, cacheDir });
  } catch (error) {
    problems.push(errorMessage(error));
  }
  const go = options.go ?? "go";
  const version = options.version ?? KIND_VERSION;
  const gobin = join(cacheDir, "bin", `kind-${version}`);
  const hasGo = (await execa(go, ["version"], { reject: false }).catch(() => ({ exitCode: 1 }))).exitCode === 0;
  if (hasGo) {
    say(`building kind ${version} with go install`);
    await mkdir(gobin, { recursive: true });
    const r = await execa(go, ["install", `sigs.k8s.io/kind@${version}`], { env: { GOBIN: gobin }, reject: false });
    if (r.exitCode === 0 && existsSync(join(gobin, "kind"))) return join(gobin, "kind");
    problems.push(`go install sigs.k8s.io/kind@${version} failed: ${String(r.stderr).split("\n").slice(-3).join(" ")}`);
  } else {
    problems.push("no Go toolchain to build it with");
  }
  throw new DevupError("cluster", "kind is not installed and devup could not get it", { details: problems, hint: INSTALL_HINT });
}
