import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { ensureKind, fetchKind, KIND_VERSION, kindAsset } from "./kind-fetch.ts";

const FAKE_KIND = "#!/bin/sh\necho 'kind v0.30.0 fake linux/amd64'\n";
const sha = (text: string) => createHash("sha256").update(text).digest("hex");

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), "devup-kind-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
/** A fake release server on 127.0.0.1: serves `body` at /<version>/kind-<asset>, counts requests. */
async function releases(body: string): Promise<{ url: string; hits: string[] }> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? "");
    if (req.url === `/${KIND_VERSION}/kind-linux-amd64`) res.end(body);
    else res.writeHead(404).end("not found");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanups.push(() => new Promise((r) => server.close(r)));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, hits };
}

describe("kindAsset", () => {
  it("names kind's release asset for each platform it publishes", () => {
    expect(kindAsset("linux", "x64")).toBe("linux-amd64");
    expect(kindAsset("linux", "arm64")).toBe("linux-arm64");
    expect(kindAsset("darwin", "arm64")).toBe("darwin-arm64");
    expect(kindAsset("darwin", "x64")).toBe("darwin-amd64");
    expect(kindAsset("win32", "x64")).toBeUndefined();
    expect(kindAsset("linux", "ia32")).toBeUndefined();
  });
});

describe("fetchKind", () => {
  it("downloads the release, checks its SHA-256 and installs it executable in the cache, once", async () => {
    const server = await releases(FAKE_KIND);
    const cacheDir = temp();
    const options = { cacheDir, releases: server.url, asset: "linux-amd64", checksums: { "linux-amd64": sha(FAKE_KIND) } };
    const kind = await fetchKind(options);
    expect(kind).toBe(join(cacheDir, "bin", `kind-${KIND_VERSION}`, "kind"));
    expect(statSync(kind).mode & 0o111).toBe(0o111);
    expect((await execa(kind, ["version"])).stdout).toBe("kind v0.30.0 fake linux/amd64");
    expect(await fetchKind(options)).toBe(kind);
    expect(server.hits).toEqual([`/${KIND_VERSION}/kind-linux-amd64`]);
  });

  it("refuses a download whose SHA-256 is not the pinned one, and installs nothing", async () => {
    const server = await releases("#!/bin/sh\necho tampered\n");
    const cacheDir = temp();
    const promise = fetchKind({ cacheDir, releases: server.url, asset: "linux-amd64", checksums: { "linux-amd64": sha(FAKE_KIND) } });
    await expect(promise).rejects.toThrow(new RegExp(`has SHA-256 ${sha("#!/bin/sh\necho tampered\n")}, not the pinned ${sha(FAKE_KIND)}: refused, nothing was installed`));
    expect(existsSync(join(cacheDir, "bin", `kind-${KIND_VERSION}`, "kind"))).toBe(false);
    const dir = join(cacheDir, "bin", `kind-${KIND_VERSION}`);
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });

  it("says where it could not download from", async () => {
    const server = await releases(FAKE_KIND);
    await expect(fetchKind({ cacheDir: temp(), releases: server.url, asset: "darwin-arm64", checksums: { "darwin-arm64": sha(FAKE_KIND) } })).rejects.toThrow(
      `could not download kind ${KIND_VERSION} from ${server.url}/${KIND_VERSION}/kind-darwin-arm64`,
    );
  });

  it("pins a checksum for every platform it names", async () => {
    for (const asset of ["linux-amd64", "linux-arm64", "darwin-amd64", "darwin-arm64"]) {
      // No server: an unpinned asset would fail before any download is tried.
      await expect(fetchKind({ cacheDir: temp(), releases: "http://127.0.0.1:9", asset })).rejects.toThrow(/could not download/);
    }
    await expect(fetchKind({ cacheDir: temp(), releases: "http://127.0.0.1:9", asset: "windows-amd64" })).rejects.toThrow(/publishes no v0\.30\.0 binary pinned/);
  });
});

describe("ensureKind", () => {
  it("keeps a kind that was found", async () => {
    expect(await ensureKind({ found: "/usr/local/bin/kind" })).toBe("/usr/local/bin/kind");
  });

  it("falls back to go install where the download fails and Go exists", async () => {
    const dir = temp();
    const go = join(dir, "go");
    writeFileSync(go, '#!/bin/sh\n[ "$1" = version ] && exit 0\n[ "$1" = install ] && [ "$2" = sigs.k8s.io/kind@v0.30.0 ] && printf "#!/bin/sh\\n" > "$GOBIN/kind" && chmod +x "$GOBIN/kind" && exit 0\nexit 3\n');
    chmodSync(go, 0o755);
    const said: string[] = [];
    const cacheDir = join(dir, "cache");
    const kind = await ensureKind({ cacheDir, releases: "http://127.0.0.1:9", asset: "linux-amd64", go, say: (m) => said.push(m) });
    expect(kind).toBe(join(cacheDir, "bin", `kind-${KIND_VERSION}`, "kind"));
    expect(said).toEqual([`kind is not installed: fetching kind ${KIND_VERSION} for this platform into ${cacheDir}/bin`, `building kind ${KIND_VERSION} with go install`]);
  });

  it("ends with the one-line instruction when neither works", async () => {
    const error = await ensureKind({ cacheDir: temp(), releases: "http://127.0.0.1:9", asset: "linux-amd64", go: "/nonexistent/go" }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      message: "kind is not installed and devup could not get it",
      hint: expect.stringMatching(/^install kind v0\.30\.0: brew install kind, or go install sigs\.k8s\.io\/kind@v0\.30\.0/) as unknown,
      details: [expect.stringMatching(/^could not download kind/) as unknown, "no Go toolchain to build it with"],
    });
  });
});
