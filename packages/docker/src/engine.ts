/**
 * The Docker engine connection: connect, check that it answers, ask whether an image exists.
 */
import { DevupError, errorMessage } from "@devup/errors";
import Docker from "dockerode";
import { useDockerEndpoint } from "./endpoint.ts";

/** A dockerode client for the engine `useDockerEndpoint` chooses (endpoint.ts). */
export function connectDocker(): Docker {
  // The choice is exported as DOCKER_HOST (and DOCKER_CERT_PATH/DOCKER_TLS_VERIFY for a TLS
  // context), which docker-modem reads itself.
  useDockerEndpoint();
  return new Docker();
}

/** Where this client talks to: its socket path or host. */
function endpointOf(docker: Docker): string {
  const modem = docker.modem as { socketPath?: unknown; host?: unknown; port?: unknown; protocol?: unknown };
  if (typeof modem.socketPath === "string") return modem.socketPath;
  if (typeof modem.host === "string") {
    const protocol = typeof modem.protocol === "string" ? modem.protocol : "http";
    const port = typeof modem.port === "string" || typeof modem.port === "number" ? `:${modem.port}` : "";
    return `${protocol}://${modem.host}${port}`;
  }
  return useDockerEndpoint().host;
}

const START_HINT =
  "Start Docker (Docker Desktop, colima, or `sudo systemctl start docker`), and check that your user may use it (the docker group, or DOCKER_HOST).";

/** Resolves when the engine answers `/_ping` within `timeoutMs`; otherwise a DevupError("docker"). */
export async function pingDocker(docker: Docker, timeoutMs = 10_000): Promise<void> {
  try {
    // dockerode takes { abortSignal } here; its type definitions do not say so.
    const ping = docker.ping.bind(docker) as unknown as (options: { abortSignal: AbortSignal }) => Promise<unknown>;
    await ping({ abortSignal: AbortSignal.timeout(timeoutMs) });
  } catch (cause) {
    const reason = errorMessage(cause);
    throw new DevupError("docker", `the Docker engine does not answer at ${endpointOf(docker)}`, {
      hint: START_HINT,
      details: [reason],
      cause,
    });
  }
}

/** Whether the engine has an image by this reference (name:tag or ID). */
export async function imageExists(docker: Docker, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch (cause) {
    if (statusCode(cause) === 404) return false;
    throw dockerError(`could not look up the image ${ref}`, cause);
  }
}

function statusCode(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === "number" ? code : undefined;
}

/** A DevupError("docker") for a failed engine call, with the engine's own words as details. */
export function dockerError(message: string, cause: unknown): DevupError {
  const reason = errorMessage(cause);
  const unreachable = /ECONNREFUSED|ENOENT|EACCES|socket hang up/.test(reason);
  return new DevupError("docker", message, {
    hint: unreachable ? START_HINT : undefined,
    details: [reason.trim()],
    cause,
  });
}

/**
 * The image's ENTRYPOINT and CMD as argument lists (a string ENTRYPOINT is the shell form: `/bin/sh -c`);
 * undefined when the engine does not have the image. The one place devup reads them.
 */
export async function imageCommand(docker: Docker, image: string): Promise<{ entrypoint: string[]; cmd: string[] } | undefined> {
  const info = await docker.getImage(image).inspect().catch(() => undefined);
  if (!info) return undefined;
  const entry: string | string[] = info.Config.Entrypoint ?? [];
  return { entrypoint: typeof entry === "string" ? ["/bin/sh", "-c", entry] : entry, cmd: info.Config.Cmd ?? [] };
}
