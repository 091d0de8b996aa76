/**
 * `dev doctor`'s checks for a laptop: which Docker endpoint and why, what the engine (often a VM:
 * Docker Desktop, Colima, OrbStack, Rancher Desktop, Podman machine) has been given, and where
 * kubectl points. Each finding carries its fix. The pure parts take their inputs as arguments.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import type { DockerEndpoint } from "@devup/docker/endpoint";
import type { ResolvedProject } from "@devup/project";
import { parse } from "yaml";

export interface Finding {
  name: string;
  outcome: "ok" | "warn" | "fail";
  detail: string;
  hint?: string;
}

const GIB = 1024 ** 3;
/** What a kind node with the control plane, CoreDNS and the ingress controller takes before any service. */
const KIND_BASE_BYTES = 2 * GIB;
const MIN_CPUS = 2;
const UNITS: Record<string, number> = { "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: GIB, Ti: 1024 ** 4 };

/** Bytes of a Kubernetes memory quantity ("256Mi", "1G", "512000"); undefined when it is not one. */
export function memoryBytes(quantity: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(quantity.trim());
  return m ? Number(m[1]) * UNITS[m[2] ?? ""]! : undefined;
}

/** What each control-plane node after the first takes (API server, etcd member, controllers): ~0.4–0.5 GiB measured. */
const EXTRA_CONTROL_PLANE_BYTES = GIB / 2;

/** Memory the project needs from the engine: the kind node(s) plus each service's limit (else request) per replica. */
export function memoryNeeded(project: (Pick<ResolvedProject, "services"> & { cluster?: Pick<ResolvedProject["cluster"], "controlPlanes"> }) | undefined): number {
  let bytes = KIND_BASE_BYTES + Math.max(0, (project?.cluster?.controlPlanes ?? 1) - 1) * EXTRA_CONTROL_PLANE_BYTES;
  for (const s of project?.services ?? []) {
    const q = s.resources?.limits?.memory ?? s.resources?.requests?.memory;
    bytes += (q ? (memoryBytes(q) ?? 0) : 0) * s.replicas;
  }
  return bytes;
}

const gib = (bytes: number) => `${(bytes / GIB).toFixed(1)} GiB`;

export function endpointFinding(endpoint: DockerEndpoint | Error): Finding {
  if (endpoint instanceof Error) {
    return { name: "endpoint", outcome: "fail", detail: endpoint.message, hint: "docker context ls lists the contexts; docker context use default, or set DOCKER_HOST" };
  }
  return { name: "endpoint", outcome: "ok", detail: `${endpoint.host}: ${endpoint.why}` };
}

/** Memory and CPUs the engine has (`docker info` MemTotal, NCPU) against what the project needs. */
export function resourcesFinding(info: { MemTotal?: number; NCPU?: number }, needBytes: number): Finding {
  const mem = info.MemTotal ?? 0;
  const cpus = info.NCPU ?? 0;
  const short = [mem < needBytes ? `memory ${gib(mem)} < ${gib(needBytes)}` : "", cpus < MIN_CPUS ? `CPUs ${cpus} < ${MIN_CPUS}` : ""].filter(Boolean);
  return {
    name: "resources",
    outcome: short.length ? "warn" : "ok",
    detail: `the engine has ${gib(mem)} memory and ${cpus} CPUs${short.length ? `; this project needs more (${short.join(", ")})` : ` (this project needs about ${gib(needBytes)}, ${MIN_CPUS} CPUs)`}`,
    hint: `give the Docker VM more: Docker Desktop Settings > Resources; colima start --memory ${Math.ceil(needBytes / GIB)} --cpu ${MIN_CPUS}; podman machine set --memory ${Math.ceil(needBytes / GIB) * 1024} --cpus ${MIN_CPUS}; OrbStack and Rancher Desktop in their settings`,
  };
}

/** The kubeconfig files kubectl reads: $KUBECONFIG (a list), else ~/.kube/config. */
export function kubeconfigFiles(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string[] {
  return env.KUBECONFIG ? env.KUBECONFIG.split(delimiter).filter(Boolean) : [join(home, ".kube", "config")];
}

/** Where kubectl points (the first current-context among the files) compared with the project's kind context. */
/** `want`: the kubectl context of the project's cluster (its provider's `kubeContext`). */
export function kubeContextFinding(files: string[], want: string | undefined): Finding {
  let current: string | undefined;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    let doc: unknown;
    try {
      doc = parse(text);
    } catch (error) {
      return { name: "kubectl", outcome: "warn", detail: `${file} is not valid YAML (${(error as Error).message.split("\n")[0]})`, hint: "fix or move the file; devup writes a fresh context when it creates the cluster" };
    }
    const name = (doc as { "current-context"?: unknown } | null)?.["current-context"];
    if (typeof name === "string" && name) {
      current = name;
      break;
    }
  }
  if (!current) {
    return { name: "kubectl", outcome: "ok", detail: `no current kubectl context (${files.join(delimiter)})${want ? `; dev up adds ${want}` : ""}` };
  }
  if (!want || current === want) return { name: "kubectl", outcome: "ok", detail: `kubectl context ${current}` };
  return {
    name: "kubectl",
    outcome: "warn",
    detail: `kubectl points at ${current}, not at this project's cluster ${want}`,
    hint: `kubectl config use-context ${want} (after dev up created it) to look at what devup runs; devup itself always uses ${want}`,
  };
}

/** `kind version` against the version devup pins (v0.30.0): another one works or not, so a warning. */
export function kindFinding(kind: string, run: { exitCode?: number | undefined; stdout: string }, pinned: string): Finding {
  if (run.exitCode !== 0) return { name: "kind", outcome: "fail", detail: `${kind} does not run`, hint: `reinstall kind ${pinned}, or remove it and let dev up fetch it` };
  const version = /\bkind (v\d+\.\d+\.\d+)\b/.exec(run.stdout)?.[1];
  const detail = `${run.stdout.trim()} (${kind})`;
  if (version === pinned) return { name: "kind", outcome: "ok", detail };
  return { name: "kind", outcome: "warn", detail: `${detail}; devup is tested with ${pinned}`, hint: `brew upgrade kind, or go install sigs.k8s.io/kind@${pinned}; an older kind may not know the node image's Kubernetes version` };
}

export interface InotifyState {
  maxInstances: number;
  maxWatches: number;
  /** inotify instances open by processes this user can see (undefined when /proc cannot say). */
  inUse?: number | undefined;
}

/** Linux only: the inotify limits and how many instances are open (kind's nodes run systemd, dev up watches files). */
export function readInotify(proc = "/proc"): InotifyState | undefined {
  const read = (name: string) => Number(readFileSync(join(proc, "sys", "fs", "inotify", name), "utf8").trim());
  let state: InotifyState;
  try {
    state = { maxInstances: read("max_user_instances"), maxWatches: read("max_user_watches") };
  } catch {
    return undefined; // not Linux (a Mac's Docker VM has its own limits)
  }
  let inUse = 0;
  try {
    for (const pid of readdirSync(proc)) {
      if (!/^\d+$/.test(pid)) continue;
      let fds: string[];
      try {
        fds = readdirSync(join(proc, pid, "fd"));
      } catch {
        continue;
      }
      for (const fd of fds) {
        try {
          if (readlinkSync(join(proc, pid, "fd", fd)) === "anon_inode:inotify") inUse++;
        } catch {
          // gone meanwhile
        }
      }
    }
    state.inUse = inUse;
  } catch {
    // /proc unreadable: limits only
  }
  return state;
}

const MIN_INSTANCES = 512;
const MIN_WATCHES = 524288;

/** Low inotify limits make kind nodes fail to boot ("Too many open files") and dev up's watcher fail. */
export function inotifyFinding(state: InotifyState): Finding {
  const used = state.inUse === undefined ? "" : `, ${state.inUse} instances open`;
  const detail = `inotify: max_user_instances ${state.maxInstances}, max_user_watches ${state.maxWatches}${used}`;
  const low = state.maxInstances < MIN_INSTANCES || state.maxWatches < MIN_WATCHES;
  const full = state.inUse !== undefined && state.inUse >= state.maxInstances * 0.9;
  if (!low && !full) return { name: "inotify", outcome: "ok", detail };
  return {
    name: "inotify",
    outcome: "warn",
    detail: `${detail}${full ? " (nearly all taken: a new kind node's systemd and dev up's file watcher fail with \"Too many open files\")" : " (below what kind recommends)"}`,
    hint: `sudo sysctl fs.inotify.max_user_instances=${Math.max(MIN_INSTANCES, state.maxInstances * 4)} fs.inotify.max_user_watches=${Math.max(MIN_WATCHES, state.maxWatches)} (and in /etc/sysctl.d/ to keep it)`,
  };
}
