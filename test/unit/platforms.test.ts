// The bootstrap's platform table (scripts/lib/platforms.txt) and the portable helpers around it:
// every platform a laptop has, packages named for their platform, integrity values in the registry's
// form, the same rows read by bash; sha256 without sha256sum; the check against a registry that disagrees.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const common = join(root, "scripts/lib/common.sh");

interface Row {
  platform: string;
  node: { pkg: string; version: string; integrity: string };
  pnpm: { pkg: string; version: string; integrity: string };
}
function table(): Row[] {
  return readFileSync(join(root, "scripts/lib/platforms.txt"), "utf8")
    .split("\n")
    .filter((l) => l.trim() && !l.startsWith("#"))
    .map((l) => {
      const c = l.trim().split(/\s+/);
      expect(c, l).toHaveLength(7);
      return { platform: c[0]!, node: { pkg: c[1]!, version: c[2]!, integrity: c[3]! }, pnpm: { pkg: c[4]!, version: c[5]!, integrity: c[6]! } };
    });
}
const bash = async (script: string, env: Record<string, string> = {}) => (await execa("bash", ["-c", `source ${common}; ${script}`], { env })).stdout;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe("platforms.txt", () => {
  it("pins Node and pnpm for Linux x64/arm64 and macOS x64/arm64", () => {
    expect(table().map((r) => r.platform).sort()).toEqual(["Darwin-arm64", "Darwin-x86_64", "Linux-aarch64", "Linux-x86_64"]);
  });

  it("names each package for its own platform, with a sha512 integrity and a Node devup runs on", () => {
    const arch: Record<string, string> = { x86_64: "x64", aarch64: "arm64", arm64: "arm64" };
    for (const r of table()) {
      const [os, machine] = r.platform.split("-") as [string, string];
      const suffix = `${os === "Darwin" ? "darwin" : "linux"}-${arch[machine]!}`;
      expect(r.pnpm.pkg).toBe(`@pnpm/exe.${suffix}`);
      expect(r.pnpm.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
      expect(r.pnpm.version).toMatch(/^12\.\d+\.\d+$/);
      if (r.node.pkg === "-") {
        expect([r.node.version, r.node.integrity]).toEqual(["-", "-"]);
        continue;
      }
      expect(r.node.pkg).toBe(`node-${suffix}`);
      expect(r.node.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
      expect(Number(r.node.version.split(".")[0])).toBeGreaterThanOrEqual(22);
    }
  });

  it("is read by the bash helpers the same way, from what uname says", async () => {
    expect(await bash("platform_key Linux arm64; platform_key Linux aarch64; platform_key Darwin arm64; platform_key Linux x86_64")).toBe(
      "Linux-aarch64\nLinux-aarch64\nDarwin-arm64\nLinux-x86_64",
    );
    for (const r of table()) {
      const cols = (await bash(`platform_row ${r.platform}`)).split(/\s+/);
      expect(cols).toEqual([r.platform, r.node.pkg, r.node.version, r.node.integrity, r.pnpm.pkg, r.pnpm.version, r.pnpm.integrity]);
    }
    expect(await bash("platform_row FreeBSD-amd64")).toBe("");
  });
});

describe("portable shell", () => {
  it("hashes with shasum or openssl where sha256sum is missing (macOS)", async () => {
    const text = "devup lockfile\n";
    const want = createHash("sha256").update(text).digest("hex");
    for (const tools of [["sha256sum"], ["shasum"], ["openssl"]]) {
      const bin = mkdtempSync(join(tmpdir(), "devup-bin-"));
      cleanups.push(() => rmSync(bin, { recursive: true, force: true }));
      for (const t of [...tools, "cut", "perl"]) {
        const path = (await execa("bash", ["-c", `command -v ${t}`], { reject: false })).stdout;
        if (path) symlinkSync(path, join(bin, t));
      }
      const r = await execa("/bin/bash", ["-c", `source ${common}; printf '%s' "$TEXT" | sha256_of`], { env: { PATH: bin, TEXT: text }, extendEnv: false });
      expect(r.stdout, tools[0]).toBe(want);
    }
  });

  it("keeps GNU-only invocations out of the launcher and the bootstrap", () => {
    for (const file of ["dev", "scripts/bootstrap", "scripts/lib/common.sh", "scripts/lib/versions.sh", "scripts/pack"]) {
      const code = readFileSync(join(root, file), "utf8")
        .split("\n")
        .filter((l) => !l.trim().startsWith("#"))
        .join("\n");
      expect(code, file).not.toMatch(/readlink -f|stat -c|base64 -w|sed -i/);
      // sha256sum only inside sha256_of, which falls back to shasum and openssl (tested above).
      if (file !== "scripts/lib/common.sh") expect(code, file).not.toMatch(/\bsha256sum\b/);
    }
  });
});

describe("scripts/check-platforms", () => {
  it("passes when the registry holds every pin and fails, naming it, when one integrity differs", async () => {
    const rows = table();
    const packuments = new Map<string, unknown>();
    const add = (p: { pkg: string; version: string; integrity: string }, integrity = p.integrity) => {
      if (p.pkg !== "-") packuments.set(p.pkg, { name: p.pkg, "dist-tags": { latest: p.version }, versions: { [p.version]: { name: p.pkg, version: p.version, dist: { integrity, tarball: `http://127.0.0.1/${p.pkg}.tgz` } } } });
    };
    for (const r of rows) {
      add(r.node);
      add(r.pnpm);
    }
    const server: Server = createServer((req, res) => {
      const name = decodeURIComponent((req.url ?? "/").slice(1).split("?")[0]!);
      const body = packuments.get(name);
      res.writeHead(body ? 200 : 404, { "content-type": "application/json" });
      res.end(JSON.stringify(body ?? { error: "not found" }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    cleanups.push(() => new Promise((r) => server.close(r)));
    const registry = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const cache = mkdtempSync(join(tmpdir(), "devup-npm-cache-"));
    cleanups.push(() => rmSync(cache, { recursive: true, force: true }));
    const env = { DEVUP_NPM_REGISTRY: registry, npm_config_cache: cache, npm_config_prefer_online: "true" };
    const good = await execa(join(root, "scripts/check-platforms"), [], { env, reject: false });
    expect(good.exitCode, good.stderr).toBe(0);
    expect(good.stdout.split("\n").filter((l) => l.includes(" ok "))).toHaveLength(packuments.size);

    const tampered = rows[0]!;
    add(tampered.pnpm, "sha512-tampered");
    const bad = await execa(join(root, "scripts/check-platforms"), [], { env, reject: false });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain(`FAIL ${tampered.platform.padEnd(14)} ${tampered.pnpm.pkg}@${tampered.pnpm.version}: the registry says sha512-tampered`);
  }, 60_000);
});
