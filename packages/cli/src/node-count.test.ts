import { describe, expect, it } from "vitest";
import { nodeCountChange, workerCount } from "./node-count.ts";

describe("node count of an existing kind cluster", () => {
  it("counts the workers among kind's node containers", () => {
    expect(workerCount(["shop-control-plane"])).toBe(0);
    expect(workerCount(["shop-control-plane", "shop-worker", "shop-worker2"])).toBe(2);
    expect(workerCount(["shop-control-plane", "shop-control-plane2", "shop-worker"])).toBe(1);
  });

  it("says nothing when the spec asks for what runs", () => {
    expect(nodeCountChange("shop", ["shop-control-plane", "shop-worker"], 1)).toBeUndefined();
    expect(nodeCountChange("shop", ["shop-control-plane"], 0)).toBeUndefined();
  });

  it("says that another count means recreating the cluster, and what goes with it", () => {
    const text = nodeCountChange("shop", ["shop-control-plane"], 2);
    expect(text).toContain("the kind cluster shop has 0 worker nodes, the spec (cluster.workers) asks for 2 worker nodes");
    expect(text).toContain("deleted and created again");
    expect(nodeCountChange("shop", ["shop-control-plane", "shop-worker", "shop-worker2"], 1)).toContain("has 2 worker nodes, the spec (cluster.workers) asks for 1 worker node:");
  });
});
