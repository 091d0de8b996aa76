// API calls through createKube share connections: counted on a loopback API server stand-in.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { KubeConfig } from "@kubernetes/client-node";
import { createKube } from "./kube.ts";

let server: Server | undefined;
afterEach(() => server?.close());

/** An HTTP server answering every request with an empty NamespaceList; counts TCP connections. */
async function fakeApiServer(): Promise<{ url: string; connections: () => number; requests: () => number }> {
  let connections = 0;
  let requests = 0;
  server = createServer((_req, res) => {
    requests++;
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ kind: "NamespaceList", apiVersion: "v1", metadata: {}, items: [] }));
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, connections: () => connections, requests: () => requests };
}

// skipTLSVerify on a plain-HTTP server: client-node then builds an undici Agent for each call, as it does for every https cluster.
const kubeconfig = (server: string) => `apiVersion: v1
kind: Config
clusters: [{ name: fake, cluster: { server: "${server}", insecure-skip-tls-verify: true } }]
users: [{ name: dev, user: { token: t0ken } }]
contexts: [{ name: fake, context: { cluster: fake, user: dev } }]
current-context: fake
`;

describe("createKube's connection pool", () => {
  it("reuses connections: ten sequential API calls, one or two connections", async () => {
    const api = await fakeApiServer();
    const kube = createKube({ kubeconfigYaml: kubeconfig(api.url) });
    for (let i = 0; i < 10; i++) await kube.core.listNamespace();
    expect(api.requests()).toBe(10);
    // undici opens a second socket for the second call (the first is not back in the pool yet); then they are reused.
    expect(api.connections()).toBeLessThanOrEqual(2);
  });

  it("is needed: client-node's own KubeConfig opens a connection per call", async () => {
    const api = await fakeApiServer();
    const config = new KubeConfig();
    config.loadFromString(kubeconfig(api.url));
    const { CoreV1Api } = await import("@kubernetes/client-node");
    const core = config.makeApiClient(CoreV1Api);
    for (let i = 0; i < 3; i++) await core.listNamespace();
    expect(api.requests()).toBe(3);
    expect(api.connections()).toBe(3);
  });
});
