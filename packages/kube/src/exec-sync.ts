/**
 * Live update through the exec API: the changed files as a tar stream into `tar -x -C /` in every
 * running pod of a Deployment, deletions with `rm -f`, then the sync rule's commands and, for
 * `restart`, a restart of the process by the PID 1 wrapper devup puts in front of the command.
 */
import { Readable, Writable } from "node:stream";
import { Exec, type V1Pod, type V1Status } from "./k8s.ts";
import { DevupError } from "@devup/errors";
import type { Kube } from "./kube.ts";
import { labelSelector } from "./selector.ts";
import { syncArchive, type SyncEntry } from "@devup/files";

/** What `restart` runs in the container: mark the restart as wanted, stop the child; the wrapper starts it again. */
const RESTART_SCRIPT = 'test -s /tmp/.devup-child && touch /tmp/.devup-restart && kill "$(cat /tmp/.devup-child)"';
const RESTART_COMMAND = ["/bin/sh", "-c", RESTART_SCRIPT];

/** The part of the exec WebSocket used here (its type comes from isomorphic-ws, which lint cannot resolve). */
interface Socket {
  on(event: "close", listener: () => void): void;
  on(event: "error", listener: (error: Error) => void): void;
}

interface ExecResult {
  code: number;
  output: string;
}

async function execIn(kube: Kube, pod: V1Pod, command: string[], stdin?: Buffer): Promise<ExecResult> {
  const namespace = pod.metadata?.namespace ?? "";
  const name = pod.metadata?.name ?? "";
  const container = pod.spec?.containers[0]?.name ?? "";
  let output = "";
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      output = (output + chunk.toString("utf8")).slice(-4000);
      done();
    },
  });
  return new Promise<ExecResult>((resolve, reject) => {
    let status: V1Status | undefined;
    new Exec(kube.config)
      .exec(namespace, name, container, command, sink, sink, stdin ? Readable.from([stdin]) : null, false, (s) => (status = s))
      .then((conn) => {
        const ws = conn as unknown as Socket;
        ws.on("close", () => {
          if (!status) return reject(new DevupError("kube", `exec in ${name} ended without an exit status (${command.join(" ")})`, { details: output ? [output.trim()] : [] }));
          if (status.status === "Success") return resolve({ code: 0, output });
          const code = Number(status.details?.causes?.find((c) => c.reason === "ExitCode")?.message ?? 1);
          resolve({ code, output: output || (status.message ?? "") });
        });
        ws.on("error", (e: Error) => reject(e));
      })
      .catch(reject);
  });
}

async function check(kube: Kube, pod: V1Pod, what: string, command: string[], stdin?: Buffer): Promise<void> {
  const r = await execIn(kube, pod, command, stdin);
  if (r.code !== 0) {
    throw new DevupError("kube", `${what} in pod ${pod.metadata?.name ?? "?"} failed (exit ${r.code})`, { details: r.output.trim().split("\n").slice(-10) });
  }
}

export interface SyncOptions {
  namespace: string;
  /** The Deployment whose pods get the files. */
  name: string;
  files: readonly SyncEntry[];
  run: ReadonlyArray<readonly string[]>;
  restart: boolean;
  /** Containers already current ("pod uid/restart count"): left alone. */
  skip?: ReadonlySet<string> | undefined;
  /** The Deployment's pod selector when the caller knows it (saves reading the Deployment on every sync). */
  selector?: Readonly<Record<string, string>> | undefined;
}

const containerKey = (pod: V1Pod) => `${pod.metadata?.uid ?? ""}/${pod.status?.containerStatuses?.[0]?.restartCount ?? 0}`;

/**
 * Syncs every running pod of the Deployment but the skipped ones; returns how many it synced and
 * the keys of all containers that now hold the files. Throws when one cannot be synced.
 */
export async function syncIntoPods(kube: Kube, options: SyncOptions): Promise<{ pods: number; current: string[] }> {
  const matchLabels = options.selector ?? (await kube.apps.readNamespacedDeployment({ name: options.name, namespace: options.namespace })).spec?.selector.matchLabels ?? {};
  const selector = labelSelector(matchLabels);
  const { items } = await kube.core.listNamespacedPod({ namespace: options.namespace, labelSelector: selector });
  const running = items.filter((p) => p.status?.phase === "Running" && !p.metadata?.deletionTimestamp);
  if (!running.length && !options.skip) throw new DevupError("kube", `no running pod of ${options.name} to sync into`);
  const pods = running.filter((p) => !options.skip?.has(containerKey(p)));
  if (!pods.length) return { pods: 0, current: running.map(containerKey) };
  const { tar, deleted, copied } = await syncArchive(options.files);
  await Promise.all(
    pods.map(async (pod) => {
      if (options.restart && !options.run.length) {
        // One round trip instead of three: delete, unpack and restart in one shell.
        const script = `rm -f -- "$@" && ${copied ? "tar -x -f - -C / && " : ""}${RESTART_SCRIPT}`;
        return check(kube, pod, "syncing and restarting", ["/bin/sh", "-c", script, "devup-sync", ...deleted], copied ? tar : undefined);
      }
      if (deleted.length) await check(kube, pod, "deleting synced files", ["rm", "-f", "--", ...deleted]);
      if (copied) await check(kube, pod, "copying files (tar -x)", ["tar", "-x", "-f", "-", "-C", "/"], tar);
      for (const command of options.run) await check(kube, pod, command.join(" "), [...command]);
      if (options.restart) await check(kube, pod, "restarting the process", RESTART_COMMAND);
    }),
  );
  return { pods: pods.length, current: running.map(containerKey) };
}
