/**
 * The `dev` CLI as a user gets it: packed (scripts/pack), installed with npm into an empty prefix,
 * run from a project folder outside this repository. And a second Docker engine on its own socket,
 * for the DOCKER_HOST and docker-context cases.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { execa } from "execa";
import { repoRoot } from "../harness.ts";
import { followDev, parseEvents, type DevEvent, type DevProcess } from "../up/project.ts";

export type { DevEvent };

/** PATH with this test's Node (>= 22) first, as a user's shell would have a current Node. */
const userPath = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}`;

export interface Installed {
  prefix: string;
  /** node_modules/.bin/dev in the prefix. */
  dev: string;
  tarballs: string[];
}

/** `scripts/pack`, then `npm install --prefix <empty folder> <tarballs>`. */
export async function packAndInstall(): Promise<Installed> {
  const packDir = await mkdtemp(join(tmpdir(), "devup-pack-"));
  const packed = await execa(join(repoRoot, "scripts/pack"), [packDir], { env: { PATH: userPath } });
  const tarballs = packed.stdout.split("\n").filter((l) => l.endsWith(".tgz"));
  // Installed from a copy so that the pack folder can go now.
  const prefix = await mkdtemp(join(tmpdir(), "devup-prefix-"));
  const copies = await Promise.all(tarballs.map(async (t) => { const to = join(prefix, t.replace(/^.*\//, "")); await copyFile(t, to); return to; }));
  await rm(packDir, { recursive: true, force: true });
  await execa("npm", ["install", "--prefix", prefix, "--no-audit", "--no-fund", "--prefer-offline", ...copies], { env: { PATH: userPath }, timeout: 10 * 60_000 });
  return { prefix, dev: join(prefix, "node_modules", ".bin", "dev"), tarballs: copies };
}

/** The environment of a user's shell: no DOCKER_* variables unless given. */
export function userEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  return { DOCKER_HOST: undefined, DOCKER_CONTEXT: undefined, DOCKER_CONFIG: undefined, PATH: userPath, ...extra };
}

export async function devRun(dev: string, cwd: string, args: string[], env: Record<string, string | undefined>): Promise<{ code: number; events: DevEvent[]; stdout: string; stderr: string }> {
  const r = await execa(dev, [...args, "--output", "json"], { cwd, env, extendEnv: false, reject: false, timeout: 10 * 60_000 });
  return { code: r.exitCode ?? -1, events: parseEvents(r.stdout), stdout: r.stdout, stderr: r.stderr };
}

export type LongDev = DevProcess;

/** A long-running `dev <args> --output json` whose events arrive as it prints them. */
export function devLong(dev: string, cwd: string, args: string[], env: Record<string, string | undefined>): LongDev {
  return followDev(execa(dev, [...args, "--output", "json"], { cwd, env, extendEnv: false, reject: false, buffer: false }), args);
}

/** A project that lives outside this repository: one Dockerfile service, no devup files yet. */
export async function outsideProject(name: string): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), "devup-outside-")), name);
  await mkdir(join(dir, "hello"), { recursive: true });
  await writeFile(join(dir, "hello", "Dockerfile"), 'FROM node:24-slim\nWORKDIR /app\nCOPY server.js .\nEXPOSE 8080\nCMD ["node", "server.js"]\n');
  await writeFile(join(dir, "hello", "server.js"), `require("node:http").createServer((q, r) => r.end("hello from ${name}\\n")).listen(8080);\n`);
  return dir;
}

export interface SecondEngine {
  /** unix:///tmp/… */
  host: string;
  docker(args: string[]): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A second dockerd on its own socket, data-root and exec-root (its own containerd), on its own bridge
 * interface and without iptables rules so that it stays out of the main engine's way (user-defined
 * networks and 127.0.0.1 port publishing still work, through docker-proxy). Not `--bridge none`: in
 * that mode dockerd deletes the host's docker0 interface, which the main engine's containers and
 * builds use. `images` are copied from the main engine.
 */
/** The second engine's own bridge interface (172.30.254.0/24). */
const BRIDGE = "devup-d2br";

export async function startSecondEngine(images: string[], runtimeShim?: string): Promise<SecondEngine> {
  const dir = await mkdtemp(join(tmpdir(), "devup-dockerd2-"));
  const socket = join(dir, "docker.sock");
  const host = `unix://${socket}`;
  // Privileged containers (kind's nodes) need the harness's runtime shim where the main engine needs it.
  const config = runtimeShim ? { "default-runtime": "devup-runc", runtimes: { "devup-runc": { path: runtimeShim } }, "exec-opts": ["native.cgroupdriver=cgroupfs"] } : {};
  await writeFile(join(dir, "daemon.json"), `${JSON.stringify(config)}\n`);
  if ((await execa("ip", ["link", "show", BRIDGE], { reject: false })).exitCode !== 0) {
    await execa("ip", ["link", "add", BRIDGE, "type", "bridge"]);
    await execa("ip", ["addr", "add", "172.30.254.1/24", "dev", BRIDGE]);
    await execa("ip", ["link", "set", BRIDGE, "up"]);
  }
  const args = ["--config-file", join(dir, "daemon.json"), "--host", host, "--data-root", join(dir, "data"), "--exec-root", join(dir, "exec"), "--pidfile", join(dir, "pid"), "--bridge", BRIDGE, "--iptables=false", "--ip-masq=false"];
  const { openSync } = await import("node:fs");
  const child = spawn("dockerd", args, { detached: true, stdio: ["ignore", openSync(join(dir, "log"), "a"), openSync(join(dir, "log"), "a")] });
  child.unref();
  const docker = async (a: string[]) => (await execa("docker", ["-H", host, ...a])).stdout;
  const deadline = Date.now() + 60_000;
  while ((await execa("docker", ["-H", host, "version"], { reject: false })).exitCode !== 0) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the second dockerd did not start:\n${readFileSync(join(dir, "log"), "utf8").slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  for (const image of images) await execa("bash", ["-o", "pipefail", "-c", `docker save ${image} | docker -H ${host} load`]);
  return {
    host,
    docker,
    async stop() {
      // Its user-defined networks (kind's) are bridges on the host that outlive the engine: a leftover
      // bridge with docker0's subnet takes docker0's route, so they are removed with the engine.
      const networks = (await execa("docker", ["-H", host, "network", "ls", "--no-trunc", "--filter", "type=custom", "--format", "{{.ID}}"], { reject: false })).stdout.split("\n").filter(Boolean);
      for (const id of networks) await execa("docker", ["-H", host, "network", "rm", id], { reject: false });
      const pid = child.pid!;
      process.kill(pid, "SIGTERM");
      const until = Date.now() + 60_000;
      while (Date.now() < until && existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ")) await new Promise((r) => setTimeout(r, 300));
      const mounts = readFileSync("/proc/mounts", "utf8").split("\n").filter((l) => l.includes(dir));
      if (mounts.length === 0) await rm(dir, { recursive: true, force: true });
      for (const name of [BRIDGE, ...networks.map((id) => `br-${id.slice(0, 12)}`)]) await execa("ip", ["link", "delete", name], { reject: false });
    },
  };
}
