/**
 * The informer loop against a small fake of the API server's list and watch endpoints (the other
 * side): it follows events, reconnects from the last resourceVersion when a watch ends, relists on
 * 410 Gone, and backs off and recovers after errors.
 */
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createKube } from "./kube.ts";
import type { Kube } from "./kube.ts";
import type { Pod } from "./types.ts";
import { watchCache } from "./watch-cache.ts";
import type { WatchCache } from "./watch-cache.ts";
import { fakeKubeconfig } from "./testing.ts";

type WatchHandler = (res: ServerResponse, query: URLSearchParams) => void;

interface FakeApi {
  kube: Kube;
  lists: number;
  watches: URLSearchParams[];
  /** The pods the next list returns, and its resourceVersion. */
  state: { items: Pod[]; resourceVersion: string };
  /** How the next watch requests are answered, in order (then: held open without events). */
  next: WatchHandler[];
  /** Watch connections the client still holds open. */
  openWatches(): number;
  close(): Promise<void>;
}

const pod = (name: string, resourceVersion: string): Pod => ({ metadata: { name, namespace: "ns", resourceVersion } });
const event = (type: string, object: object): string => `${JSON.stringify({ type, object })}\n`;

async function fakeApi(): Promise<FakeApi> {
  const open = new Set<ServerResponse>();
  const api: Omit<FakeApi, "kube" | "close" | "openWatches"> = { lists: 0, watches: [], state: { items: [], resourceVersion: "1" }, next: [] };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const json = (body: object): void => void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (url.pathname === "/api/v1") {
      json({ kind: "APIResourceList", groupVersion: "v1", resources: [{ name: "pods", namespaced: true, kind: "Pod", verbs: ["list", "watch"] }] });
    } else if (url.pathname === "/api/v1/namespaces/ns/pods" && url.searchParams.get("watch") !== "true") {
      api.lists++;
      json({ kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: api.state.resourceVersion }, items: api.state.items });
    } else if (url.pathname === "/api/v1/namespaces/ns/pods") {
      api.watches.push(url.searchParams);
      res.writeHead(200, { "content-type": "application/json" });
      res.flushHeaders();
      open.add(res);
      res.on("close", () => open.delete(res));
      api.next.shift()?.(res, url.searchParams);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const kubeconfigYaml = fakeKubeconfig(port);
  return Object.assign(api, {
    kube: createKube({ kubeconfigYaml }),
    openWatches: () => open.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.destroy();
        server.close(() => resolve());
      }),
  });
}

async function until(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("watchCache", () => {
  let api: FakeApi | undefined;
  let cache: WatchCache<Pod> | undefined;
  afterEach(async () => {
    cache?.close();
    await api?.close();
  });
  const names = (): string[] => (cache?.items() ?? []).map((p) => p.metadata?.name ?? "").sort();

  it("lists, then follows added, modified and deleted objects", async () => {
    api = await fakeApi();
    api.state = { items: [pod("a", "5")], resourceVersion: "5" };
    let changes = 0;
    api.next.push((res) => {
      res.write(event("ADDED", pod("b", "6")));
      res.write(event("MODIFIED", { ...pod("a", "7"), status: { phase: "Running" } }));
      res.write(event("DELETED", pod("b", "8")));
    });
    cache = watchCache<Pod>(api.kube, { apiVersion: "v1", kind: "Pod", plural: "pods", namespace: "ns", onChange: () => changes++ });
    await until("three events", () => changes === 4);
    expect(cache.synced()).toBe(true);
    expect(names()).toEqual(["a"]);
    expect(cache.items()[0]?.status?.phase).toBe("Running");
    expect(api.watches[0]?.get("resourceVersion")).toBe("5");
  });

  it("reconnects from the last resourceVersion when a watch ends, without listing again", async () => {
    api = await fakeApi();
    api.next.push((res) => res.end(event("ADDED", pod("a", "12"))));
    api.next.push((res) => res.write(event("ADDED", pod("b", "13"))));
    cache = watchCache<Pod>(api.kube, { apiVersion: "v1", kind: "Pod", plural: "pods", namespace: "ns" });
    await until("both pods", () => names().length === 2);
    expect(api.watches.map((q) => q.get("resourceVersion"))).toEqual(["1", "12"]);
    expect(api.lists).toBe(1);
  });

  it("relists when the server says the resourceVersion is too old (410 Gone)", async () => {
    api = await fakeApi();
    api.state = { items: [pod("old", "3")], resourceVersion: "3" };
    api.next.push((res) => {
      // While disconnected, "old" was deleted and "new" created; the server only says: relist.
      api!.state = { items: [pod("new", "40")], resourceVersion: "40" };
      res.end(event("ERROR", { kind: "Status", code: 410, reason: "Expired", message: "too old resource version: 3 (39)" }));
    });
    cache = watchCache<Pod>(api.kube, { apiVersion: "v1", kind: "Pod", plural: "pods", namespace: "ns" });
    await until("the relist", () => names().join() === "new");
    expect(api.lists).toBe(2);
    await until("a watch from the new list", () => api!.watches.length === 2);
    expect(api.watches[1]?.get("resourceVersion")).toBe("40");
  });

  it("reports a failing watch, backs off, and recovers with a fresh list", async () => {
    api = await fakeApi();
    const errors: number[] = [];
    api.next.push((res) => res.destroy()); // the connection drops before any event
    api.next.push((res) => res.write(event("ADDED", pod("back", "2"))));
    cache = watchCache<Pod>(api.kube, {
      apiVersion: "v1",
      kind: "Pod",
      plural: "pods",
      namespace: "ns",
      onError: (_error, retryInMs) => errors.push(retryInMs),
    });
    await until("recovery", () => names().join() === "back");
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors[0]).toBe(500);
    expect(api.lists).toBe(2);
  });

  it("stops watching when closed: the open watch is ended by the client, and none is opened again", async () => {
    api = await fakeApi();
    cache = watchCache<Pod>(api.kube, { apiVersion: "v1", kind: "Pod", plural: "pods", namespace: "ns" });
    await until("the watch", () => api!.watches.length === 1 && api!.openWatches() === 1);
    cache.close();
    // A close() that did nothing would leave this connection open until the server ends it.
    await until("the client to end the watch", () => api!.openWatches() === 0, 2_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(api.watches).toHaveLength(1);
  });
});
