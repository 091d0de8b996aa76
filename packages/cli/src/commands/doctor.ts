/** `dev doctor`: is everything `dev up` needs in place? Each check says what to do when it is not. */
import { statfs } from "node:fs/promises";
import { createServer } from "node:net";
import { clusterProvider, type ClusterStatus } from "@devup/cluster";
import { connectDocker, findBuildx, pingDocker } from "@devup/docker";
import { useDockerEndpoint } from "@devup/docker/endpoint";
import { DevupError, errorMessage } from "@devup/errors";
import { findProjectRoot, forwardedPorts, loadProject } from "@devup/project";
import { execa } from "execa";
import type { CommandContext } from "../context.ts";
import { devupCacheDir, KIND_VERSION } from "../kind-fetch.ts";
import { endpointFinding, inotifyFinding, kindFinding, kubeconfigFiles, kubeContextFinding, memoryNeeded, readInotify, resourcesFinding } from "../laptop-checks.ts";
import { findKind } from "../machine.ts";

type Outcome = "ok" | "warn" | "fail";
interface Check {
  name: string;
  outcome: Outcome;
  detail: string;
  hint?: string;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

export default async function doctor(ctx: CommandContext): Promise<void> {
  const checks: Check[] = [];
  const add = (c: Check) => {
    checks.push(c);
    const mark = c.outcome === "ok" ? "ok  " : c.outcome === "warn" ? "warn" : "FAIL";
    ctx.out.info({ type: "check", ...c, message: `${mark}  ${c.name.padEnd(14)} ${c.detail}${c.hint && c.outcome !== "ok" ? `\n      ${c.hint}` : ""}` });
  };

  const major = Number(process.versions.node.split(".")[0]);
  add({ name: "node", outcome: major >= 22 ? "ok" : "fail", detail: `Node ${process.versions.node}`, hint: "devup needs Node >= 22; ./dev fetches one" });

  let endpoint;
  try {
    endpoint = useDockerEndpoint();
  } catch (error) {
    endpoint = error instanceof Error ? error : new Error(errorMessage(error));
  }
  add(endpointFinding(endpoint));
  let engineInfo: { MemTotal?: number; NCPU?: number } | undefined;
  try {
    const docker = connectDocker();
    await pingDocker(docker, 3000);
    const v = await docker.version();
    add({ name: "docker", outcome: "ok", detail: `Docker engine ${v.Version} answers` });
    engineInfo = (await docker.info()) as { MemTotal?: number; NCPU?: number };
  } catch (error) {
    add({ name: "docker", outcome: "fail", detail: errorMessage(error), hint: "start Docker; on a machine devup sets up itself, scripts/cluster/ensure starts it" });
  }

  const buildx: Awaited<ReturnType<typeof findBuildx>> | Error = await findBuildx().catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  if (buildx instanceof Error) add({ name: "builder", outcome: "fail", detail: errorMessage(buildx), hint: "unset DEVUP_BUILDX or point it at a working docker-buildx" });
  else if (buildx) add({ name: "builder", outcome: "ok", detail: `BuildKit through docker buildx (${buildx.source}${buildx.prefix.length ? "" : `: ${buildx.command}`})` });
  else
    add({
      name: "builder",
      outcome: "warn",
      detail: process.env.DEVUP_BUILDER === "classic" ? "the classic builder (DEVUP_BUILDER=classic)" : "the classic builder: no docker buildx found",
      hint: "Dockerfiles with RUN --mount need BuildKit: install the docker buildx plugin, or run scripts/cluster/ensure (it builds one)",
    });

  const kind = await findKind();
  if (!kind) add({ name: "kind", outcome: "warn", detail: "kind is not installed", hint: `dev up fetches kind ${KIND_VERSION} for this platform (its SHA-256 checked) into ${devupCacheDir()}/bin, or: brew install kind / go install sigs.k8s.io/kind@${KIND_VERSION}` });
  else add(kindFinding(kind, await execa(kind, ["version"], { reject: false }), KIND_VERSION));

  let project;
  try {
    findProjectRoot(ctx.cwd);
    project = loadProject(ctx.cwd, { environment: typeof ctx.options.env === "string" ? ctx.options.env : undefined });
    add({ name: "spec", outcome: project.value ? "ok" : "fail", detail: project.value ? `${project.value.services.length} services, valid` : `${project.errors.length} errors`, hint: "dev validate lists them" });
  } catch (error) {
    add({ name: "spec", outcome: "warn", detail: errorMessage(error) });
  }
  const p = project?.value;
  if (engineInfo) add(resourcesFinding(engineInfo, memoryNeeded(p)));
  const provider = p && clusterProvider(p.cluster.provider);
  add(kubeContextFinding(kubeconfigFiles(), provider && p ? provider.kubeContext(p.cluster) : undefined));
  const inotify = readInotify();
  if (inotify) add(inotifyFinding(inotify));
  let clusterExists = false;
  // A provider that runs on this machine needs its tool (kind), checked above; a context devup did not create is not asked.
  if (p && provider?.status && (!provider.localMachine || kind)) {
    const s = await provider.status(p.cluster, { kind }).catch(() => undefined);
    const cluster = provider.describe(p.cluster);
    clusterExists = s?.exists === true;
    add({
      name: "cluster",
      outcome: !s ? "warn" : !s.exists ? "warn" : s.apiReady ? "ok" : "fail",
      detail: !s ? `could not ask ${provider.name}` : !s.exists ? `${cluster} does not exist yet` : s.apiReady ? `${cluster} answers (${nodeList(s)})` : `${cluster} exists but does not answer`,
      hint: !s?.exists ? "dev up creates it" : "dev up restarts it, or dev up --recreate-cluster",
    });
  }
  if (p) {
    const ports = p.services.flatMap((s) => forwardedPorts(s).map((x) => ({ port: x.forward, what: `${s.name}:${x.name}` })));
    // The ingress port is the cluster's own mapping once the cluster exists.
    if (!clusterExists) ports.push({ port: p.cluster.ingress.httpPort, what: "ingress" });
    const taken: string[] = [];
    for (const { port, what } of ports) if (!(await portFree(port))) taken.push(`${port} (${what})`);
    add({
      name: "ports",
      outcome: taken.length ? "warn" : "ok",
      detail: taken.length ? `in use on 127.0.0.1: ${taken.join(", ")}` : `${ports.length} local ports free`,
      hint: "if dev up is running, these are its own; otherwise stop what holds them or change ports[].forward",
    });
  }

  const fs = await statfs(process.env.DOCKER_DATA_ROOT ?? "/var/lib/docker").catch(() => statfs(ctx.cwd));
  const freeGb = (fs.bavail * fs.bsize) / 1024 ** 3;
  add({ name: "disk", outcome: freeGb < 5 ? "fail" : freeGb < 15 ? "warn" : "ok", detail: `${freeGb.toFixed(1)} GB free for images`, hint: "free some space: docker image prune, or delete old clusters" });

  const failed = checks.filter((c) => c.outcome === "fail");
  ctx.out.result({ type: "doctor", checks, message: failed.length ? `${failed.length} problem${failed.length === 1 ? "" : "s"} found` : "everything dev up needs is in place" });
  if (failed.length) throw new DevupError("command", `dev doctor found ${failed.length} problem${failed.length === 1 ? "" : "s"}: ${failed.map((c) => c.name).join(", ")}`);
}

/** "3 nodes: a-control-plane (control-plane), a-worker (worker), …" (the role where the provider tells it). */
function nodeList(s: ClusterStatus): string {
  const count = `${s.nodes.length} node${s.nodes.length === 1 ? "" : "s"}`;
  if (s.nodes.length === 0) return count;
  return `${count}: ${[...s.nodes].sort().map((n) => (s.roles?.[n] ? `${n} (${s.roles[n]})` : n)).join(", ")}`;
}
