// The bundled client (scripts/bundle-deps.mjs) is client-node: same exports, class names kept, and
// it talks to an API server (a loopback stand-in) as the package does.
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as clientNode from "@kubernetes/client-node";

const script = fileURLToPath(new URL("../../../scripts/bundle-deps.mjs", import.meta.url));
const source = fileURLToPath(new URL("k8s.ts", import.meta.url));

describe("the bundled Kubernetes client", () => {
  it("exports what client-node exports, keeps class names, and lists namespaces", { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "devup-k8s-bundle-"));
    const server = createServer((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ kind: "NamespaceList", apiVersion: "v1", metadata: {}, items: [{ metadata: { name: "shop" } }] }));
    });
    try {
      const out = join(dir, "k8s.js");
      execFileSync(process.execPath, [script, "--out", out, source], { stdio: "inherit" });
      const bundled = (await import(out)) as typeof clientNode;
      expect(Object.keys(bundled).sort()).toEqual(Object.keys(clientNode).sort());
      expect([bundled.KubeConfig.name, bundled.V1Pod.name, bundled.ApiException.name]).toEqual(["KubeConfig", "V1Pod", "ApiException"]);
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const config = new bundled.KubeConfig();
      config.loadFromString(`{ apiVersion: v1, kind: Config, current-context: c, contexts: [{ name: c, context: { cluster: k, user: u } }],
        clusters: [{ name: k, cluster: { server: "http://127.0.0.1:${(server.address() as AddressInfo).port}", insecure-skip-tls-verify: true } }], users: [{ name: u, user: { token: t } }] }`);
      const list = await config.makeApiClient(bundled.CoreV1Api).listNamespace();
      expect(list.items.map((n) => n.metadata?.name)).toEqual(["shop"]);
    } finally {
      server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
