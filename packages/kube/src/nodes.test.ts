import type { V1Node, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { nodeViews } from "./nodes.ts";

const node = (name: string, ready: boolean, labels: Record<string, string> = {}): V1Node => ({
  metadata: { name, labels },
  status: { conditions: [{ type: "MemoryPressure", status: "False" }, { type: "Ready", status: ready ? "True" : "False" }] },
});
const pod = (name: string, nodeName: string | undefined, service: string, extra: Partial<V1Pod> = {}): V1Pod => ({
  metadata: { name, labels: { "app.kubernetes.io/name": service } },
  spec: { containers: [], ...(nodeName ? { nodeName } : {}) },
  status: { phase: "Running" },
  ...extra,
});

describe("node views", () => {
  it("list each node's readiness, roles and the project's pods on it, in name order", () => {
    const views = nodeViews(
      [node("shop-worker2", true), node("shop-control-plane", true, { "node-role.kubernetes.io/control-plane": "" }), node("shop-worker", false)],
      [
        pod("website-b", "shop-worker2", "website"),
        pod("website-a", "shop-worker", "website"),
        pod("users-a", "shop-worker2", "users"),
        pod("pending", undefined, "users"),
        pod("done", "shop-worker", "users", { status: { phase: "Succeeded" } }),
        pod("leaving", "shop-worker", "users", { metadata: { name: "leaving", deletionTimestamp: new Date() } }),
      ],
      (p) => p.metadata?.labels?.["app.kubernetes.io/name"] ?? "?",
    );
    expect(views).toEqual([
      { name: "shop-control-plane", ready: true, roles: ["control-plane"], pods: [] },
      { name: "shop-worker", ready: false, roles: [], pods: [{ pod: "website-a", service: "website" }] },
      { name: "shop-worker2", ready: true, roles: [], pods: [{ pod: "users-a", service: "users" }, { pod: "website-b", service: "website" }] },
    ]);
  });

  it("a node without a Ready condition is not ready", () => {
    expect(nodeViews([{ metadata: { name: "n" } }], [], () => "?")).toEqual([{ name: "n", ready: false, roles: [], pods: [] }]);
  });
});
