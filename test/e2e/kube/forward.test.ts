/**
 * Port-forwards that survive pod deletion: a request loop through the forward keeps getting
 * answers while the pod serving it is deleted, and then the other one, without any user action.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { Agent, get } from "node:http";
import type { Socket } from "node:net";
import { createServer, connect } from "node:net";
import type { Server } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyObjects, forwardService, waitForRollout } from "@devup/kube";
import type { Kube } from "@devup/kube";
import type { E2ECluster } from "../harness.ts";
import { deleteNamespace, deployment, kubeFixture, namespaceName, namespaceObject, service, waitFor } from "./fixture.ts";

interface RunnerRecord {
  listening?: number;
  state?: string;
  message?: string;
  closed?: boolean;
}

/** Starts forward-runner.ts (see there why a child process) and collects what it reports. */
function startForward(kubeconfig: string, context: string, namespace: string, svc: string, port: string): { child: ChildProcess; records: RunnerRecord[] } {
  const runner = fileURLToPath(new URL("./forward-runner.ts", import.meta.url));
  const child = spawn(process.execPath, ["--conditions=source", runner, kubeconfig, context, namespace, svc, port], { stdio: ["ignore", "pipe", "inherit"] });
  const records: RunnerRecord[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => records.push(JSON.parse(line) as RunnerRecord));
  return { child, records };
}

interface Sample {
  at: number;
  pod?: string;
  ms?: number;
  error?: string;
}

/** One GET on a fresh connection (or through `agent`): which pod answered (and how long it took), or why it failed. */
function request(port: number, timeoutMs = 3_000, agent?: Agent, onSocket?: (socket: Socket) => void): Promise<Sample> {
  return new Promise((resolve) => {
    const at = Date.now();
    const req = get({ host: "127.0.0.1", port, path: "/", agent: agent ?? false, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve(res.statusCode === 200 && body.trim() ? { at, pod: body.trim(), ms: Date.now() - at } : { at, error: `HTTP ${res.statusCode}` }));
      res.on("error", (e) => resolve({ at, error: e.message }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => resolve({ at, error: e.message }));
    if (onSocket) req.on("socket", onSocket);
  });
}

/** The longest time without a successful answer, from `from` to the first success after it. */
function longestGap(samples: readonly Sample[], from: number): number {
  let last = from;
  let longest = 0;
  for (const s of samples) {
    if (s.at < from || !s.pod) continue;
    longest = Math.max(longest, s.at - last);
    last = s.at;
  }
  return longest;
}

describe("forwardService", () => {
  let kube: Kube;
  let cluster: E2ECluster;
  let image: string;
  const ns = namespaceName("kube-e2e-fwd");

  beforeAll(async () => {
    ({ kube, image, cluster } = await kubeFixture());
    await applyObjects(kube, [namespaceObject(ns), deployment(ns, "web", image, { replicas: 2 }), service(ns, "web")]);
    await waitForRollout(kube, { namespace: ns, name: "web", timeoutMs: 90_000 });
  });
  afterAll(async () => {
    if (kube) await deleteNamespace(kube, ns);
  });

  it("keeps answering while the serving pod is deleted, then the other one", async () => {
    const { child, records } = startForward(cluster.kubeconfig, cluster.context, ns, "web", "web");
    const localPort = await waitFor("the forward to listen", () => records.find((r) => r.listening)?.listening, 30_000);
    const states = (): string[] => records.filter((r) => r.state).map((r) => (r.message ? `${r.state}: ${r.message}` : r.state!));
    const samples: Sample[] = [];
    let running = true;
    const loop = (async () => {
      while (running) {
        samples.push(await request(localPort));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const servedSince = (from: number, not?: string): string | undefined => samples.find((s) => s.at >= from && s.pod && s.pod !== not)?.pod;

    try {
      const first = await waitFor("a first answer", () => servedSince(0), 30_000);
      expect(states()).toContain("ready");

      const deleted1 = Date.now();
      await kube.core.deleteNamespacedPod({ name: first, namespace: ns });
      const second = await waitFor("an answer from another pod", () => servedSince(deleted1, first), 30_000);
      const gap1 = longestGap(samples, deleted1);

      // Let the Deployment replace the first pod before taking away the second.
      await waitForRollout(kube, { namespace: ns, name: "web", timeoutMs: 60_000 });
      const deleted2 = Date.now();
      await kube.core.deleteNamespacedPod({ name: second, namespace: ns });
      const third = await waitFor("an answer from the replacement pod", () => servedSince(deleted2, second), 30_000);
      const gap2 = longestGap(samples, deleted2);
      await waitFor("a few more answers", () => (samples.filter((s) => s.at > deleted2 && s.pod).length >= 5 ? true : undefined), 10_000);

      const failures = samples.filter((s) => s.error);
      const latencies = samples.flatMap((s) => (s.ms === undefined ? [] : [s.ms])).sort((a, b) => a - b);
      console.log(
        `forward recovery: ${first} → ${second} longest gap ${gap1} ms; ${second} → ${third} longest gap ${gap2} ms; ` +
          `${samples.length} requests (median ${latencies[Math.floor(latencies.length / 2)]} ms), ${failures.length} failed${failures.length ? ` (${[...new Set(failures.map((f) => f.error))].join("; ")})` : ""}; states: ${states().join(" | ")}`,
      );
      expect(third).not.toBe(first);
      expect(gap1).toBeLessThan(5_000);
      expect(gap2).toBeLessThan(5_000);
    } finally {
      running = false;
      await loop;
      child.kill("SIGTERM");
    }
    // Closed cleanly, and closed means closed: the local port no longer accepts connections.
    await waitFor("the forward to close", () => (records.some((r) => r.closed) ? true : undefined), 10_000);
    expect((await request(localPort)).error).toMatch(/ECONNREFUSED/);
  });

  it("moves a kept-alive connection off a pod being deleted: no request fails and the client keeps its connection", async () => {
    // An app that serves on for a second after SIGTERM (a graceful shutdown), as the restart wrapper makes every synced service.
    await applyObjects(kube, [deployment(ns, "keep", image, { replicas: 2, env: { DRAIN_MS: "1000" } }), service(ns, "keep")]);
    await waitForRollout(kube, { namespace: ns, name: "keep", timeoutMs: 90_000 });
    const { child, records } = startForward(cluster.kubeconfig, cluster.context, ns, "keep", "web");
    const localPort = await waitFor("the forward to listen", () => records.find((r) => r.listening)?.listening, 30_000);
    // One connection, kept alive, a request every 20 ms: what a browser or an API client does.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<Socket>();
    const samples: Sample[] = [];
    let running = true;
    const loop = (async () => {
      for (let i = 0; running && i < 2_000; i++) {
        samples.push(await request(localPort, 3_000, agent, (s) => sockets.add(s)));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const servedSince = (from: number, not?: string): string | undefined => samples.find((s) => s.at >= from && s.pod && s.pod !== not)?.pod;
    try {
      const first = await waitFor("a first answer", () => servedSince(0), 30_000);
      const deleted = Date.now();
      await kube.core.deleteNamespacedPod({ name: first, namespace: ns });
      const second = await waitFor("an answer from the other pod", () => servedSince(deleted, first), 30_000);
      await waitFor("20 more answers", () => (samples.filter((s) => s.at > deleted && s.pod === second).length >= 20 ? true : undefined), 15_000);
      running = false;
      await loop;
      const failures = samples.filter((s) => s.error);
      console.log(`kept-alive connection moved ${first} → ${second}: ${samples.length} requests, ${failures.length} failed, ${sockets.size} client connection(s), longest gap ${longestGap(samples, deleted)} ms`);
      expect(failures.map((f) => f.error)).toEqual([]);
      expect(sockets.size).toBe(1);
    } finally {
      running = false;
      await loop;
      agent.destroy();
      child.kill("SIGTERM");
    }
  });

  it("passes over a ready pod that refuses the port, without failing the client", async () => {
    // "refuser" is ready (its probe checks 8081, where it listens) but refuses the Service's target
    // port 8080; being the older pod, it is the one a forward picks first.
    const role = { "devup.test/role": "mixed" };
    await applyObjects(kube, [deployment(ns, "refuser", image, { env: { PORT: "8081" }, readinessPort: 8081, podLabels: role })]);
    await waitForRollout(kube, { namespace: ns, name: "refuser", timeoutMs: 60_000 });
    await applyObjects(kube, [deployment(ns, "answerer", image, { podLabels: role }), service(ns, "mixed", role)]);
    await waitForRollout(kube, { namespace: ns, name: "answerer", timeoutMs: 60_000 });

    const { child, records } = startForward(cluster.kubeconfig, cluster.context, ns, "mixed", "web");
    try {
      const localPort = await waitFor("the forward to listen", () => records.find((r) => r.listening)?.listening, 30_000);
      const answers: Sample[] = [];
      for (let i = 0; i < 10; i++) answers.push(await request(localPort));
      expect(answers.map((a) => a.error)).toEqual(Array.from({ length: 10 }, () => undefined));
      expect(answers.every((a) => a.pod?.startsWith("answerer-"))).toBe(true);
      // Absorbed failures are not reported as the forward's state.
      expect(records.filter((r) => r.state).map((r) => r.state)).toEqual(["ready"]);
    } finally {
      child.kill("SIGTERM");
    }
  });

  it("holds a connection while no pod is ready, and serves it when one is", async () => {
    await applyObjects(kube, [deployment(ns, "late", image, { replicas: 0 }), service(ns, "late")]);
    const { child, records } = startForward(cluster.kubeconfig, cluster.context, ns, "late", "web");
    try {
      const localPort = await waitFor("the forward to listen", () => records.find((r) => r.listening)?.listening, 30_000);
      await waitFor("the waiting state", () => (records.some((r) => r.state === "waiting" && r.message === "no pod matches service late") ? true : undefined), 10_000);
      const pending = request(localPort, 30_000);
      const scaled = Date.now();
      await applyObjects(kube, [deployment(ns, "late", image, { replicas: 1 })]);
      const answer = await pending;
      console.log(`a connection made while no pod was ready was answered ${answer.at + (answer.ms ?? 0) - scaled} ms after scaling up`);
      expect(answer.pod).toMatch(/^late-/);
      expect(records.at(-1)?.state).toBe("ready");
    } finally {
      child.kill("SIGTERM");
    }
  });

  it("refuses a local port that another process holds", async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      await expect(forwardService(kube, { namespace: ns, service: "web", port: "web", localPort: port })).rejects.toMatchObject({
        code: "E_PORT_IN_USE",
        message: `127.0.0.1:${port} is already in use (by another process)`,
        hint: "stop it, or change ports[].forward in the service's spec",
      });
      // The holder is untouched.
      await new Promise<void>((resolve, reject) => connect(port, "127.0.0.1", resolve).on("error", reject));
    } finally {
      holder.close();
    }
  });

  it("with retryBusyPortMs, says the port is busy and serves within seconds once it frees", async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const port = (holder.address() as { port: number }).port;
    const states: string[] = [];
    const forward = await forwardService(kube, { namespace: ns, service: "web", port: "web", localPort: port, retryBusyPortMs: 250, onState: (s, m) => states.push(`${s}: ${m ?? ""}`) });
    try {
      expect(forward.state).toBe("error");
      expect(forward.message).toBe(`127.0.0.1:${port} is in use by another process; the forward starts as soon as it is free`);
      const freed = Date.now();
      await new Promise<void>((resolve) => holder.close(() => resolve()));
      await waitFor("the forward to serve after the port freed", () => (forward.state === "ready" ? true : undefined), 5_000);
      const answer = await request(port);
      console.log(`forward serving ${Date.now() - freed} ms after the port freed`);
      expect(answer.pod).toMatch(/^web-/);
      expect(states[0]).toMatch(/^error: 127\.0\.0\.1:\d+ is in use/);
    } finally {
      await forward.close();
    }
  });
});
