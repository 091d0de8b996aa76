/**
 * Pushing an image to a registry. To the local registry through the engine API (dockerode): no
 * credentials needed, and the engine sends only the layers the registry lacks. To a remote
 * cluster's registry through the docker CLI, which knows the user's credentials (docker login,
 * credential helpers) that the engine API does not.
 */
import { DevupError } from "@devup/errors";
import type Docker from "dockerode";
import { run } from "./exec.ts";
import { splitTag } from "./refs.ts";

interface PushMessage {
  status?: string;
  id?: string;
  progress?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/** Tag `source` as `target` and push it through the engine API. */
export async function pushViaEngine(docker: Docker, source: string, target: string, onLine?: (line: string) => void): Promise<void> {
  const { repo, tag } = splitTag(target);
  try {
    await docker.getImage(source).tag({ repo, tag });
  } catch (cause) {
    throw new DevupError("docker", `could not tag ${source} as ${target}`, { details: [String(cause)], cause, hint: "Is the image built? `docker image ls` lists what the engine has." });
  }
  const lines: string[] = [];
  let error: string | undefined;
  try {
    // An empty auth header: the engine refuses a push without one; a local registry needs none.
    const stream = await docker.getImage(repo).push({ tag, authconfig: {} } as Docker.ImagePushOptions);
    let rest = "";
    const onMessage = (raw: string): void => {
      if (!raw.trim()) return;
      let msg: PushMessage;
      try {
        msg = JSON.parse(raw) as PushMessage;
      } catch {
        return;
      }
      const err = msg.errorDetail?.message ?? msg.error;
      if (err) error = err;
      // Progress bars repeat many times a second; pass on only the status lines.
      if (msg.status && !msg.progress) {
        const line = msg.id ? `${msg.id}: ${msg.status}` : msg.status;
        lines.push(line);
        onLine?.(line);
      }
    };
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const parts = (rest + chunk.toString()).split("\n");
      rest = parts.pop() ?? "";
      for (const p of parts) onMessage(p);
    }
    onMessage(rest);
  } catch (cause) {
    throw new DevupError("cluster", `could not push ${target}`, { details: [String(cause)], cause });
  }
  if (error !== undefined) {
    throw new DevupError("cluster", `could not push ${target} to the local registry`, {
      hint: "Check that the registry container runs (`docker ps`) and that its port answers: `curl http://localhost:<port>/v2/`.",
      details: [...lines.slice(-10), error],
    });
  }
}

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
