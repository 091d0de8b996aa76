import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { endpointFinding, inotifyFinding, kindFinding, kubeconfigFiles, kubeContextFinding, memoryBytes, memoryNeeded, readInotify, resourcesFinding } from "./laptop-checks.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function file(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "devup-laptop-"));
  dirs.push(dir);
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}
const GIB = 1024 ** 3;
const svc = (memory: string | undefined, replicas: number) => ({ replicas, resources: memory ? { limits: { memory } } : undefined }) as never;

describe("memory", () => {
  it("reads Kubernetes quantities and refuses what is not one", () => {
    expect(memoryBytes("256Mi")).toBe(256 * 1024 ** 2);
    expect(memoryBytes("1G")).toBe(1e9);
    expect(memoryBytes("1.5Gi")).toBe(1.5 * GIB);
    expect(memoryBytes("512000")).toBe(512000);
    expect(memoryBytes("lots")).toBeUndefined();
  });

  it("adds each service's limit per replica to what the kind node takes", () => {
    expect(memoryNeeded(undefined)).toBe(2 * GIB);
    expect(memoryNeeded({ services: [svc("512Mi", 2), svc("1Gi", 1), svc(undefined, 3)] })).toBe(4 * GIB);
    // Each control plane after the first: its API server, etcd member and controllers.
    expect(memoryNeeded({ services: [], cluster: { controlPlanes: 3 } })).toBe(3 * GIB);
    expect(memoryNeeded({ services: [], cluster: { controlPlanes: 1 } })).toBe(2 * GIB);
  });

  it("warns when the engine has less memory or CPUs than the project needs, with the fix per VM", () => {
    const low = resourcesFinding({ MemTotal: 1.9 * GIB, NCPU: 1 }, 4 * GIB);
    expect(low.outcome).toBe("warn");
    expect(low.detail).toBe("the engine has 1.9 GiB memory and 1 CPUs; this project needs more (memory 1.9 GiB < 4.0 GiB, CPUs 1 < 2)");
    expect(low.hint).toContain("colima start --memory 4 --cpu 2");
    const fine = resourcesFinding({ MemTotal: 8 * GIB, NCPU: 4 }, 4 * GIB);
    expect(fine.outcome).toBe("ok");
  });
});

describe("endpointFinding", () => {
  it("says which endpoint and why, or fails with the context's error", () => {
    expect(endpointFinding({ host: "unix:///u/.colima/default/docker.sock", source: "context", context: "colima", why: 'docker context "colima" (DOCKER_CONTEXT)' })).toEqual({
      name: "endpoint",
      outcome: "ok",
      detail: 'unix:///u/.colima/default/docker.sock: docker context "colima" (DOCKER_CONTEXT)',
    });
    expect(endpointFinding(new Error('the docker context "x" (DOCKER_CONTEXT) does not exist'))).toMatchObject({ outcome: "fail", detail: 'the docker context "x" (DOCKER_CONTEXT) does not exist' });
  });
});

describe("kubectl context", () => {
  it("reads KUBECONFIG as a list, else ~/.kube/config", () => {
    expect(kubeconfigFiles({ KUBECONFIG: `/a${delimiter}/b` }, "/home/u")).toEqual(["/a", "/b"]);
    expect(kubeconfigFiles({}, "/home/u")).toEqual(["/home/u/.kube/config"]);
  });

  it("is fine when kubectl points at the project's cluster or nowhere", () => {
    const mine = file("config", "apiVersion: v1\nkind: Config\ncurrent-context: kind-shop\n");
    expect(kubeContextFinding([mine], "kind-shop")).toEqual({ name: "kubectl", outcome: "ok", detail: "kubectl context kind-shop" });
    expect(kubeContextFinding([join(tmpdir(), "no-such-kubeconfig")], "kind-shop").detail).toMatch(/^no current kubectl context .*; dev up adds kind-shop$/);
  });

  it("warns when kubectl points elsewhere (the first file with a current context wins), with the command to switch", () => {
    const none = file("a", "apiVersion: v1\nkind: Config\n");
    const other = file("b", "current-context: docker-desktop\n");
    const f = kubeContextFinding([none, other], "kind-shop");
    expect(f).toMatchObject({ outcome: "warn", detail: "kubectl points at docker-desktop, not at this project's cluster kind-shop" });
    expect(f.hint).toMatch(/^kubectl config use-context kind-shop/);
  });

  it("names a kubeconfig that is not YAML", () => {
    const bad = file("config", "current-context: [unclosed\n");
    expect(kubeContextFinding([bad], "kind-shop")).toMatchObject({ outcome: "warn", detail: expect.stringContaining(`${bad} is not valid YAML`) as unknown });
  });
});

describe("kindFinding", () => {
  it("is fine with the pinned kind, warns about another version with the fix, fails on one that does not run", () => {
    expect(kindFinding("/k", { exitCode: 0, stdout: "kind v0.30.0 go1.24.6 darwin/arm64\n" }, "v0.30.0")).toEqual({ name: "kind", outcome: "ok", detail: "kind v0.30.0 go1.24.6 darwin/arm64 (/k)" });
    const old = kindFinding("kind", { exitCode: 0, stdout: "kind v0.20.0 go1.20.4 linux/amd64" }, "v0.30.0");
    expect(old).toMatchObject({ outcome: "warn", detail: "kind v0.20.0 go1.20.4 linux/amd64 (kind); devup is tested with v0.30.0" });
    expect(old.hint).toContain("go install sigs.k8s.io/kind@v0.30.0");
    expect(kindFinding("/k", { exitCode: 126, stdout: "" }, "v0.30.0")).toMatchObject({ outcome: "fail", detail: "/k does not run" });
  });
});

describe("inotify", () => {
  it("reads the limits and counts open inotify instances from a /proc tree", () => {
    const proc = mkdtempSync(join(tmpdir(), "devup-proc-"));
    dirs.push(proc);
    mkdirSync(join(proc, "sys/fs/inotify"), { recursive: true });
    writeFileSync(join(proc, "sys/fs/inotify/max_user_instances"), "128\n");
    writeFileSync(join(proc, "sys/fs/inotify/max_user_watches"), "65536\n");
    for (const [pid, links] of [["10", ["anon_inode:inotify", "anon_inode:inotify", "/dev/null"]], ["11", ["anon_inode:inotify"]], ["self", ["anon_inode:inotify"]]] as const) {
      mkdirSync(join(proc, pid, "fd"), { recursive: true });
      links.forEach((target, i) => symlinkSync(target, join(proc, pid, "fd", String(i))));
    }
    expect(readInotify(proc)).toEqual({ maxInstances: 128, maxWatches: 65536, inUse: 3 });
    expect(readInotify(join(proc, "missing"))).toBeUndefined();
  });

  it("warns about low limits or nearly all instances taken, with the sysctl to run", () => {
    expect(inotifyFinding({ maxInstances: 8192, maxWatches: 1048576, inUse: 40 })).toEqual({
      name: "inotify",
      outcome: "ok",
      detail: "inotify: max_user_instances 8192, max_user_watches 1048576, 40 instances open",
    });
    const low = inotifyFinding({ maxInstances: 128, maxWatches: 65536, inUse: 10 });
    expect(low).toMatchObject({ outcome: "warn", detail: expect.stringContaining("(below what kind recommends)") as unknown });
    expect(low.hint).toMatch(/^sudo sysctl fs\.inotify\.max_user_instances=512 fs\.inotify\.max_user_watches=524288/);
    const full = inotifyFinding({ maxInstances: 1024, maxWatches: 1048576, inUse: 1000 });
    expect(full.detail).toContain('nearly all taken: a new kind node\'s systemd and dev up\'s file watcher fail with "Too many open files"');
  });
});
