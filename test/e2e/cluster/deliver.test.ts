/**
 * Image delivery into the shared kind cluster, both ways: `kind load` and the local registry.
 * Each time: the node has the image afterwards, a second delivery skips it, and a Pod using the
 * returned reference starts and prints what the image holds. The registry way is also checked
 * from the kubelet's side: a Pod with imagePullPolicy Always pulls through containerd's certs.d.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deliverImages, findLocalRegistry, kindCluster, nodeImages, normalizeImageRef, parseRegistryPort, type DeliveryEvent, type KindCluster, type LocalRegistry } from "@devup/cluster";
import { connectDocker, ensureImages, hashBuildInputs, localImageRef } from "@devup/docker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { e2eCluster, offlineTools, type E2ECluster } from "../harness.ts";

const docker = connectDocker();
const project = `e2e-deliver-${process.pid}`;
let shared: E2ECluster;
let cluster: KindCluster;
let registry: LocalRegistry;
let image: string;
let dir: string;
let kubectl: string;
const pods: string[] = [];
const nodeRefs: string[] = [];
const localTags: string[] = [];

const node = (): string => `${shared.name}-control-plane`;
const k = (...args: string[]): string => execFileSync(kubectl, ["--kubeconfig", shared.kubeconfig, ...args], { encoding: "utf8" });

/** Start a Pod from `ref` and return what it printed. */
function runPod(name: string, ref: string, pullPolicy: "IfNotPresent" | "Always"): string {
  pods.push(name);
  k("run", name, `--image=${ref}`, `--image-pull-policy=${pullPolicy}`, "--restart=Never", "--command", "--", "node", "-e", "console.log(require('fs').readFileSync('/app/msg.txt','utf8').trim()); setInterval(() => {}, 1e6)");
  k("wait", "--for=condition=Ready", `pod/${name}`, "--timeout=120s");
  return k("logs", name).trim();
}

beforeAll(async () => {
  const tools = offlineTools();
  kubectl = tools.all.KUBECTL ?? "kubectl";
  shared = e2eCluster();
  const found = await findLocalRegistry({ port: parseRegistryPort(tools.registry ?? "") });
  if (!found) throw new Error(`no local registry container answers for REGISTRY=${tools.registry}`);
  registry = found;
  cluster = kindCluster(shared.name, { kind: tools.kind });
  dir = await mkdtemp(join(tmpdir(), "devup-e2e-deliver-"));
  await writeFile(join(dir, "Dockerfile"), "FROM node:24-slim\nCOPY msg.txt /app/msg.txt\n");
  await writeFile(join(dir, "msg.txt"), `delivered ${project}\n`);
  const inputs = { context: dir, dockerfile: join(dir, "Dockerfile"), args: {} };
  image = localImageRef(project, "app", await hashBuildInputs(inputs));
  localTags.push(image);
  const [built] = await ensureImages(docker, [{ service: "app", inputs, tag: image }]);
  expect(built!.action).toBe("built");
});

afterAll(async () => {
  if (shared) {
    for (const pod of pods) execFileSync(kubectl, ["--kubeconfig", shared.kubeconfig, "delete", "pod", pod, "--now", "--ignore-not-found"], { stdio: "ignore" });
    for (const ref of nodeRefs) execFileSync("docker", ["exec", node(), "ctr", "--namespace=k8s.io", "images", "rm", ref], { stdio: "ignore" });
  }
  if (registry) await deleteFromRegistry(registry, localTags.filter((t) => t.startsWith("localhost:")));
  for (const tag of localTags) await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Remove our test manifests from the registry (its config enables deletes). */
async function deleteFromRegistry(r: LocalRegistry, refs: string[]): Promise<void> {
  for (const ref of refs) {
    const [, path, tag] = /^[^/]+\/(.+):([^:]+)$/.exec(ref) ?? [];
    if (!path || !tag) continue;
    const base = `http://127.0.0.1:${r.port}/v2/${path}/manifests`;
    const head = await fetch(`${base}/${tag}`, { method: "HEAD", headers: { Accept: "application/vnd.docker.distribution.manifest.v2+json" } }).catch(() => undefined);
    const digest = head?.headers.get("docker-content-digest");
    if (digest) await fetch(`${base}/${digest}`, { method: "DELETE" }).catch(() => undefined);
  }
}

describe("image delivery", () => {
  it("loads an image with `kind load`, skips it the second time, and a Pod runs it", async () => {
    const events: DeliveryEvent[] = [];
    nodeRefs.push(image);
    const [first] = await deliverImages(cluster, [image], { registry: null, onEvent: (e) => events.push(e) });
    expect(first).toMatchObject({ image, ref: image, action: "delivered", method: "kind-load" });
    expect((await nodeImages(node())).has(normalizeImageRef(image))).toBe(true);
    const [second] = await deliverImages(cluster, [image], { registry: null });
    expect(second).toMatchObject({ action: "present", ref: image });
    expect(events.filter((e) => e.type !== "deliver-line").map((e) => e.type)).toEqual(["deliver-start", "deliver-done"]);
    expect(events.some((e) => e.type === "deliver-line" && e.line.includes(image))).toBe(true);
    expect(runPod(`${project}-load`, image, "IfNotPresent")).toBe(`delivered ${project}`);
  });

  it("pushes through the local registry, the node pulls it, a Pod runs it, the kubelet can pull it too", async () => {
    const events: DeliveryEvent[] = [];
    const [first] = await deliverImages(cluster, [image], { docker, registry, onEvent: (e) => events.push(e) });
    const ref = `localhost:${registry.port}/${project}-app:${image.split(":").at(-1)}`;
    nodeRefs.push(ref);
    localTags.push(ref);
    expect(first?.error?.details ?? []).toEqual([]);
    expect(first).toMatchObject({ image, ref, action: "delivered", method: "registry" });
    expect(events.some((e) => e.type === "deliver-line" && /Pushed|Layer already exists/.test(e.line))).toBe(true);
    expect((await nodeImages(node())).has(ref)).toBe(true);
    const [second] = await deliverImages(cluster, [image], { docker, registry });
    expect(second).toMatchObject({ action: "present", ref });
    expect(runPod(`${project}-reg`, ref, "IfNotPresent")).toBe(`delivered ${project}`);
    // The kubelet (CRI) resolves localhost:<port> through the hosts.toml we wrote.
    expect(runPod(`${project}-pull`, ref, "Always")).toBe(`delivered ${project}`);
  });

  it("falls back to `kind load` when the registry container is stopped, and says which container and how to start it", async () => {
    await writeFile(join(dir, "msg.txt"), `delivered ${project} without the registry\n`);
    const inputs = { context: dir, dockerfile: join(dir, "Dockerfile"), args: {} };
    const second = localImageRef(project, "app", await hashBuildInputs(inputs));
    localTags.push(second);
    expect((await ensureImages(docker, [{ service: "app", inputs, tag: second }]))[0]!.action).toBe("built");
    execFileSync("docker", ["stop", registry.name], { stdio: "ignore" });
    try {
      const events: DeliveryEvent[] = [];
      const [result] = await deliverImages(cluster, [second], { docker, registry, onEvent: (e) => events.push(e) });
      nodeRefs.push(second);
      expect(result).toMatchObject({ image: second, ref: second, action: "delivered", method: "kind-load" });
      const fallback = events.find((e) => e.type === "deliver-fallback");
      expect(fallback && fallback.type === "deliver-fallback" && fallback.reason).toMatch(new RegExp(`local registry \\(container ${registry.name}\\)`));
      expect(fallback && fallback.type === "deliver-fallback" && fallback.reason).toContain(`docker start ${registry.name}`);
      expect(runPod(`${project}-fallback`, second, "IfNotPresent")).toBe(`delivered ${project} without the registry`);
    } finally {
      execFileSync("docker", ["start", registry.name], { stdio: "ignore" });
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && !(await fetch(`http://127.0.0.1:${registry.port}/v2/`).then((r) => r.ok, () => false))) await new Promise((r) => setTimeout(r, 250));
    }
  });
});
