/**
 * `then: restart` without losing synced files: a container restart would start from the image
 * again, so instead PID 1 becomes a small shell loop that runs the real command as its child. The
 * live update marks a restart as wanted (/tmp/.devup-restart) and stops the child; the loop starts
 * it again in the same container, with the synced files in place. Without the mark, the loop exits
 * with the child's code, so a crash is still a crash for Kubernetes. SIGTERM goes to the child, one
 * second late (a drain).
 * The real command comes from the spec (command/args) or the image's ENTRYPOINT and CMD.
 */
import { LABELS, type KubeObject } from "@devup/manifests";
import type { ResolvedProject, ResolvedService } from "@devup/project";
import type { Ports } from "./ports.ts";

/** Where the wrapper finds the files synced since the image was built (a ConfigMap devup keeps, optional). */
const SYNCED = "/var/run/devup-sync";

export const RESTART_LOOP = [
  // A new pod starts with the files synced since the image was built, not with the image's old code.
  `if [ -s ${SYNCED}/files.tar ]; then tar -x -f ${SYNCED}/files.tar -C / || echo "devup: could not unpack the synced files" >&2; fi`,
  `if [ -s ${SYNCED}/deleted ]; then while IFS= read -r f || [ -n "$f" ]; do rm -f -- "$f"; done < ${SYNCED}/deleted; fi`,
  // On TERM (the pod is deleted) the process gets one more second: it is out of the Service's endpoints
  // by then and devup's forwards have moved new connections away, so requests in flight finish (a drain).
  "trap 'sleep 1; kill -TERM \"$child\" 2>/dev/null; wait \"$child\"; exit 143' TERM INT",
  "while :; do",
  '  "$@" &',
  "  child=$!",
  '  echo "$child" > /tmp/.devup-child',
  '  wait "$child"',
  "  code=$?",
  "  if [ -f /tmp/.devup-restart ]; then rm -f /tmp/.devup-restart; continue; fi",
  '  exit "$code"',
  "done",
].join("\n");

const restarts = (s: ResolvedService) => s.sync.some((r) => r.then === "restart");

/** The command a service really runs: its spec's command/args, else the image's ENTRYPOINT and CMD (args replace CMD). */
export function realCommand(s: ResolvedService, image: { entrypoint: string[]; cmd: string[] } | undefined): string[] {
  if (s.command) return [...s.command, ...(s.args ?? [])];
  return [...(image?.entrypoint ?? []), ...(s.args ?? image?.cmd ?? [])];
}

/** The whole container command that runs `command` behind the restart loop. */
export function restartEntrypoint(command: readonly string[]): string[] {
  return ["/bin/sh", "-c", RESTART_LOOP, "devup-restart", ...command];
}

/** Whether the service's sync rules restart its process (then it runs behind the restart loop). */
export function wantsRestartLoop(s: ResolvedService): boolean {
  return restarts(s);
}

/** The command each restartable service really runs, for the services whose image tag is given. */
export async function restartCommands(project: ResolvedProject, ports: Ports, tags: Readonly<Record<string, string>>): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const s of project.services.filter(restarts)) {
    const tag = tags[s.name];
    const image = !s.command && tag && ports.images.command ? await ports.images.command(tag) : undefined;
    const command = realCommand(s, image);
    if (command.length) out.set(s.name, command);
  }
  return out;
}

/** A service's objects with its container command wrapped in the restart loop (unchanged without a command). */
export function wrapForRestart(objects: readonly KubeObject[], command: readonly string[] | undefined): KubeObject[] {
  if (!command?.length) return [...objects];
  return objects.map((o) => {
    if (o.kind !== "Deployment") return o;
    const copy = structuredClone(o) as KubeObject & { spec: { template: { spec: { containers: Array<Record<string, unknown>>; volumes?: unknown[] } } } };
    const pod = copy.spec.template.spec;
    const container = pod.containers[0];
    if (!container) return o;
    container.command = restartEntrypoint(command);
    delete container.args;
    // The synced files devup keeps (optional: absent until the first sync, removed by a rebuild).
    const service = o.metadata.labels?.[LABELS.name] ?? "";
    pod.volumes = [...(pod.volumes ?? []), { name: "devup-sync", configMap: { name: `${service}-devup-sync`, optional: true } }];
    container.volumeMounts = [...((container.volumeMounts as unknown[] | undefined) ?? []), { name: "devup-sync", mountPath: SYNCED, readOnly: true }];
    return copy;
  });
}
