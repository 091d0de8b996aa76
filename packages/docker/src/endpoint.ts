/**
 * Which Docker engine devup talks to, decided the way the docker CLI decides it:
 *   1. DOCKER_HOST;
 *   2. a docker context: DOCKER_CONTEXT, else `currentContext` in $DOCKER_CONFIG/config.json
 *      (~/.docker/config.json); its endpoint is in contexts/meta/<sha256(name)>/meta.json and its TLS
 *      files in contexts/tls/<sha256(name)>/docker/;
 *   3. the default socket /var/run/docker.sock when it exists;
 *   4. the first of the usual laptop sockets that exists (Docker Desktop, Colima, OrbStack,
 *      Rancher Desktop, Podman's Docker-compatible socket, rootless Docker).
 * The choice is passed on to child processes (kind, the docker CLI) through DOCKER_HOST.
 * No dockerode here: the CLI loads this before every command.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { DevupError, errorMessage } from "@devup/errors";

export interface DockerEndpoint {
  /** unix:///path, tcp://host:port, ssh://user@host, npipe://… */
  host: string;
  source: "DOCKER_HOST" | "context" | "default" | "known socket";
  /** Why this one, in words for `dev doctor`. */
  why: string;
  /** The docker context, when one chose it. */
  context?: string;
  /** Folder with ca.pem, cert.pem, key.pem for a TLS endpoint of a context. */
  tlsDir?: string;
  /** The context says not to verify the server's certificate. */
  skipTlsVerify?: boolean;
}

export interface EndpointLookup {
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** The engine's default socket (tests point it elsewhere). */
  defaultSocket?: string;
}

const DEFAULT_SOCKET = "/var/run/docker.sock";

/** The usual places of a Docker-compatible socket on laptops, in the order they are tried. */
export function knownSockets(home: string, env: NodeJS.ProcessEnv): { name: string; path: string }[] {
  const runtime = env.XDG_RUNTIME_DIR;
  return [
    { name: "Docker Desktop", path: join(home, ".docker", "run", "docker.sock") },
    { name: "Docker Desktop (Linux)", path: join(home, ".docker", "desktop", "docker.sock") },
    { name: "Colima", path: join(home, ".colima", "default", "docker.sock") },
    { name: "Colima", path: join(home, ".config", "colima", "default", "docker.sock") },
    { name: "OrbStack", path: join(home, ".orbstack", "run", "docker.sock") },
    { name: "Rancher Desktop", path: join(home, ".rd", "docker.sock") },
    ...(runtime
      ? [
          { name: "Podman", path: join(runtime, "podman", "podman.sock") },
          { name: "rootless Docker", path: join(runtime, "docker.sock") },
        ]
      : []),
  ];
}

const isSocket = (path: string): boolean => {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
};

/** The folder the docker CLI keeps its configuration in. */
export function dockerConfigDir(lookup: EndpointLookup = {}): string {
  const env = lookup.env ?? process.env;
  return env.DOCKER_CONFIG || join(lookup.home ?? homedir(), ".docker");
}

function currentContext(configDir: string): string | undefined {
  const file = join(configDir, "config.json");
  if (!existsSync(file)) return undefined;
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(file, "utf8"));
  } catch (cause) {
    throw new DevupError("docker", `${file} is not valid JSON, so the current docker context cannot be read`, {
      details: [errorMessage(cause)],
      hint: "fix the file (the docker CLI refuses it too), or set DOCKER_HOST",
      cause,
    });
  }
  const name = (config as { currentContext?: unknown } | null)?.currentContext;
  return typeof name === "string" && name !== "" ? name : undefined;
}

function contextEndpoint(configDir: string, name: string, from: string): DockerEndpoint {
  const id = createHash("sha256").update(name).digest("hex");
  const file = join(configDir, "contexts", "meta", id, "meta.json");
  const fix = `docker context ls lists the contexts; docker context use default (or unset DOCKER_CONTEXT) goes back to the default`;
  let meta: unknown;
  try {
    meta = JSON.parse(readFileSync(file, "utf8"));
  } catch (cause) {
    const missing = (cause as { code?: unknown }).code === "ENOENT";
    throw new DevupError("docker", `the docker context "${name}" (${from}) ${missing ? "does not exist" : "has unreadable metadata"}: ${file}`, {
      details: missing ? [] : [errorMessage(cause)],
      hint: fix,
      cause,
    });
  }
  const docker = (meta as { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } } | null)?.Endpoints?.docker;
  if (typeof docker?.Host !== "string" || docker.Host === "") {
    throw new DevupError("docker", `the docker context "${name}" (${from}) names no Docker endpoint (Endpoints.docker.Host in ${file})`, { hint: fix });
  }
  const tlsDir = join(configDir, "contexts", "tls", id, "docker");
  return {
    host: docker.Host,
    source: "context",
    context: name,
    why: `docker context "${name}" (${from})`,
    ...(existsSync(tlsDir) ? { tlsDir } : {}),
    ...(docker.SkipTLSVerify === true ? { skipTlsVerify: true } : {}),
  };
}

/** Decides the endpoint; throws a DevupError("docker") for a context that cannot be read. */
export function resolveDockerEndpoint(lookup: EndpointLookup = {}): DockerEndpoint {
  const env = lookup.env ?? process.env;
  const home = lookup.home ?? homedir();
  if (env.DOCKER_HOST) return { host: env.DOCKER_HOST, source: "DOCKER_HOST", why: "DOCKER_HOST is set" };
  const configDir = dockerConfigDir({ env, home });
  const fromEnv = env.DOCKER_CONTEXT;
  const name = fromEnv || currentContext(configDir);
  if (name && name !== "default") {
    return contextEndpoint(configDir, name, fromEnv ? "DOCKER_CONTEXT" : `currentContext in ${join(configDir, "config.json")}`);
  }
  const socket = lookup.defaultSocket ?? DEFAULT_SOCKET;
  if (isSocket(socket)) return { host: `unix://${socket}`, source: "default", why: `the default socket ${socket}` };
  for (const known of knownSockets(home, env)) {
    if (isSocket(known.path)) {
      return { host: `unix://${known.path}`, source: "known socket", why: `${known.name}'s socket (no DOCKER_HOST, no docker context, no ${socket})` };
    }
  }
  return { host: `unix://${socket}`, source: "default", why: `the default socket ${socket}; none of the usual sockets (Docker Desktop, Colima, OrbStack, Rancher Desktop, Podman) exists` };
}

/** What child processes need to reach the same engine (empty when they find it themselves). */
export function endpointEnv(endpoint: DockerEndpoint): Record<string, string> {
  if (endpoint.source === "DOCKER_HOST" || endpoint.source === "default") return {};
  return {
    DOCKER_HOST: endpoint.host,
    ...(endpoint.tlsDir ? { DOCKER_CERT_PATH: endpoint.tlsDir, ...(endpoint.skipTlsVerify ? {} : { DOCKER_TLS_VERIFY: "1" }) } : {}),
  };
}

let chosen: DockerEndpoint | undefined;

/**
 * Decides the endpoint once per process and exports it (DOCKER_HOST, and the TLS variables of a
 * context) to this process's environment, which dockerode and every child process read.
 */
export function useDockerEndpoint(env: NodeJS.ProcessEnv = process.env): DockerEndpoint {
  if (!chosen) {
    chosen = resolveDockerEndpoint({ env });
    Object.assign(env, endpointEnv(chosen));
  }
  return chosen;
}
