import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { endpointEnv, resolveDockerEndpoint } from "./endpoint.ts";

const dirs: string[] = [];
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function home(): string {
  const dir = mkdtempSync(join(tmpdir(), "dk-"));
  dirs.push(dir);
  return dir;
}
/** A real Unix socket at `path` (the resolver wants sockets, not plain files). */
async function socket(path: string): Promise<string> {
  mkdirSync(dirname(path), { recursive: true });
  const server = createServer();
  servers.push(server);
  await new Promise<void>((r) => server.listen(path, r));
  return path;
}
function context(configDir: string, name: string, host: string, extra: Record<string, unknown> = {}): string {
  const id = createHash("sha256").update(name).digest("hex");
  const dir = join(configDir, "contexts", "meta", id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "meta.json"), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false, ...extra } } }));
  return id;
}
const noDefault = (h: string) => join(h, "no-default.sock");

describe("resolveDockerEndpoint", () => {
  it("takes DOCKER_HOST first, even with a context set", () => {
    const h = home();
    context(join(h, ".docker"), "colima", "unix:///elsewhere.sock");
    const ep = resolveDockerEndpoint({ env: { DOCKER_HOST: "tcp://127.0.0.1:2375", DOCKER_CONTEXT: "colima" }, home: h });
    expect(ep).toEqual({ host: "tcp://127.0.0.1:2375", source: "DOCKER_HOST", why: "DOCKER_HOST is set" });
    expect(endpointEnv(ep)).toEqual({}); // children already see it
  });

  it("reads the current context from ~/.docker/config.json and its meta.json, as the docker CLI does", () => {
    const h = home();
    context(join(h, ".docker"), "colima", "unix:///Users/ada/.colima/default/docker.sock");
    writeFileSync(join(h, ".docker", "config.json"), JSON.stringify({ auths: {}, currentContext: "colima" }));
    const ep = resolveDockerEndpoint({ env: {}, home: h, defaultSocket: noDefault(h) });
    expect(ep.host).toBe("unix:///Users/ada/.colima/default/docker.sock");
    expect(ep.context).toBe("colima");
    expect(ep.why).toBe(`docker context "colima" (currentContext in ${join(h, ".docker", "config.json")})`);
    expect(endpointEnv(ep)).toEqual({ DOCKER_HOST: "unix:///Users/ada/.colima/default/docker.sock" });
  });

  it("lets DOCKER_CONTEXT override the config, and DOCKER_CONFIG move the config folder", () => {
    const h = home();
    const config = join(h, "elsewhere");
    context(config, "orbstack", "unix:///Users/ada/.orbstack/run/docker.sock");
    context(config, "colima", "unix:///colima.sock");
    mkdirSync(config, { recursive: true });
    writeFileSync(join(config, "config.json"), JSON.stringify({ currentContext: "colima" }));
    const ep = resolveDockerEndpoint({ env: { DOCKER_CONFIG: config, DOCKER_CONTEXT: "orbstack" }, home: h, defaultSocket: noDefault(h) });
    expect(ep).toMatchObject({ host: "unix:///Users/ada/.orbstack/run/docker.sock", source: "context", why: 'docker context "orbstack" (DOCKER_CONTEXT)' });
  });

  it("passes a TLS context's certificates on (DOCKER_CERT_PATH, DOCKER_TLS_VERIFY)", () => {
    const h = home();
    const id = context(join(h, ".docker"), "remote", "tcp://127.0.0.1:2376");
    const tls = join(h, ".docker", "contexts", "tls", id, "docker");
    mkdirSync(tls, { recursive: true });
    const ep = resolveDockerEndpoint({ env: { DOCKER_CONTEXT: "remote" }, home: h });
    expect(endpointEnv(ep)).toEqual({ DOCKER_HOST: "tcp://127.0.0.1:2376", DOCKER_CERT_PATH: tls, DOCKER_TLS_VERIFY: "1" });
  });

  it("refuses a context that does not exist, naming where it came from and the fix", () => {
    const h = home();
    expect(() => resolveDockerEndpoint({ env: { DOCKER_CONTEXT: "nope" }, home: h })).toThrow(/the docker context "nope" \(DOCKER_CONTEXT\) does not exist: .*meta\.json/);
  });

  it("refuses a context whose metadata names no endpoint, and a config.json that is not JSON", () => {
    const h = home();
    const id = createHash("sha256").update("empty").digest("hex");
    mkdirSync(join(h, ".docker", "contexts", "meta", id), { recursive: true });
    writeFileSync(join(h, ".docker", "contexts", "meta", id, "meta.json"), JSON.stringify({ Name: "empty", Endpoints: {} }));
    expect(() => resolveDockerEndpoint({ env: { DOCKER_CONTEXT: "empty" }, home: h })).toThrow(/names no Docker endpoint \(Endpoints\.docker\.Host/);
    writeFileSync(join(h, ".docker", "config.json"), "{ currentContext: ");
    expect(() => resolveDockerEndpoint({ env: {}, home: h })).toThrow(/config\.json is not valid JSON/);
  });

  it("treats the context named default as no context", async () => {
    const h = home();
    mkdirSync(join(h, ".docker"));
    writeFileSync(join(h, ".docker", "config.json"), JSON.stringify({ currentContext: "default" }));
    const def = await socket(join(h, "docker.sock"));
    expect(resolveDockerEndpoint({ env: {}, home: h, defaultSocket: def })).toMatchObject({ host: `unix://${def}`, source: "default" });
  });

  it.each([
    ["Docker Desktop", [".docker", "run", "docker.sock"]],
    ["Colima", [".colima", "default", "docker.sock"]],
    ["OrbStack", [".orbstack", "run", "docker.sock"]],
    ["Rancher Desktop", [".rd", "docker.sock"]],
  ])("finds %s's socket when there is no default socket", async (name, parts) => {
    const h = home();
    const path = await socket(join(h, ...parts));
    const ep = resolveDockerEndpoint({ env: {}, home: h, defaultSocket: noDefault(h) });
    expect(ep).toMatchObject({ host: `unix://${path}`, source: "known socket" });
    expect(ep.why.startsWith(`${name}'s socket`)).toBe(true);
    expect(endpointEnv(ep)).toEqual({ DOCKER_HOST: `unix://${path}` });
  });

  it("finds Podman's socket under XDG_RUNTIME_DIR", async () => {
    const h = home();
    const path = await socket(join(h, "run", "podman", "podman.sock"));
    expect(resolveDockerEndpoint({ env: { XDG_RUNTIME_DIR: join(h, "run") }, home: h, defaultSocket: noDefault(h) })).toMatchObject({ host: `unix://${path}`, why: expect.stringMatching(/^Podman's socket/) as unknown });
  });

  it("prefers the default socket, and ignores a plain file where a socket should be", async () => {
    const h = home();
    await socket(join(h, ".colima", "default", "docker.sock"));
    const def = await socket(join(h, "default.sock"));
    expect(resolveDockerEndpoint({ env: {}, home: h, defaultSocket: def }).host).toBe(`unix://${def}`);
    mkdirSync(join(h, ".orbstack", "run"), { recursive: true });
    writeFileSync(join(h, ".orbstack", "run", "docker.sock"), "");
    const none = resolveDockerEndpoint({ env: {}, home: h, defaultSocket: noDefault(h) });
    expect(none.host).toBe(`unix://${join(h, ".colima", "default", "docker.sock")}`);
  });

  it("falls back to the default socket, saying that none of the usual ones exists", () => {
    const h = home();
    const ep = resolveDockerEndpoint({ env: {}, home: h, defaultSocket: noDefault(h) });
    expect(ep).toMatchObject({ host: `unix://${noDefault(h)}`, source: "default" });
    expect(ep.why).toMatch(/none of the usual sockets/);
  });
});

describe("useDockerEndpoint", () => {
  it("exports a context's endpoint to the environment children inherit, once per process", async () => {
    const { vi } = await import("vitest");
    vi.resetModules();
    const { useDockerEndpoint } = await import("./endpoint.ts");
    const h = home();
    context(join(h, ".docker"), "colima", "unix:///colima.sock");
    const env: NodeJS.ProcessEnv = { DOCKER_CONFIG: join(h, ".docker"), DOCKER_CONTEXT: "colima" };
    expect(useDockerEndpoint(env).why).toBe('docker context "colima" (DOCKER_CONTEXT)');
    expect(env.DOCKER_HOST).toBe("unix:///colima.sock");
    // Asked again (DOCKER_HOST is now set), the reason stays the context's.
    expect(useDockerEndpoint(env).source).toBe("context");
  });
});
