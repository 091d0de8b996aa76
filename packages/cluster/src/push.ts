/**
 * Pushing an image to a remote cluster's registry through the docker CLI, which knows the user's
 * credentials (docker login, credential helpers) that the engine API does not. (The local registry
 * is pushed to by push-layers.ts, uncompressed.)
 */
import { run } from "./exec.ts";

/** Tag and `docker push` with the user's registry credentials. */
export async function pushViaCli(source: string, target: string, onLine?: (line: string) => void): Promise<void> {
  await run("docker", ["tag", source, target], { what: `tag ${source} as ${target}`, kind: "docker", timeoutMs: 60_000 });
  await run("docker", ["push", target], {
    what: `push ${target}`,
    kind: "cluster",
    hint: "Log in to the registry (`docker login <registry>`), and check that the cluster's registry name in the spec is right.",
    timeoutMs: 30 * 60_000,
    ...(onLine ? { onLine } : {}),
  });
}
