import { describe, expect, it } from "vitest";
import { controlPlaneCount, nodeCountChange, workerCount } from "./node-count.ts";

const one = { controlPlanes: 1, workers: 0 };

describe("node count of an existing kind cluster", () => {
  it("counts control planes and workers among kind's containers, not its load balancer", () => {
    expect(workerCount(["shop-control-plane"])).toBe(0);
    expect(workerCount(["shop-control-plane", "shop-worker", "shop-worker2"])).toBe(2);
    expect(workerCount(["shop-control-plane", "shop-control-plane2", "shop-worker"])).toBe(1);
    const ha = ["shop-external-load-balancer", "shop-control-plane", "shop-control-plane2", "shop-control-plane3", "shop-worker"];
    expect(workerCount(ha)).toBe(1);
    expect(controlPlaneCount(ha)).toBe(3);
    expect(controlPlaneCount(["shop-control-plane", "shop-worker"])).toBe(1);
  });

  it("says nothing when the spec asks for what runs", () => {
    expect(nodeCountChange("shop", ["shop-control-plane", "shop-worker"], { controlPlanes: 1, workers: 1 })).toBeUndefined();
    expect(nodeCountChange("shop", ["shop-control-plane"], one)).toBeUndefined();
    expect(nodeCountChange("shop", ["shop-control-plane", "shop-control-plane2", "shop-control-plane3"], { controlPlanes: 3, workers: 0 })).toBeUndefined();
  });

  it("says that another worker count means recreating the cluster, and what goes with it", () => {
    const text = nodeCountChange("shop", ["shop-control-plane"], { controlPlanes: 1, workers: 2 });
    expect(text).toContain("the kind cluster shop has 1 control-plane node and 0 worker nodes, the spec (cluster.workers) asks for 1 control-plane node and 2 worker nodes");
    expect(text).toContain("deleted and created again");
    expect(nodeCountChange("shop", ["shop-control-plane", "shop-worker", "shop-worker2"], { controlPlanes: 1, workers: 1 })).toContain("has 1 control-plane node and 2 worker nodes, the spec (cluster.workers) asks for 1 control-plane node and 1 worker node:");
  });

  it("says so for another control-plane count too, naming the key that differs", () => {
    expect(nodeCountChange("shop", ["shop-control-plane"], { controlPlanes: 3, workers: 0 })).toContain(
      "has 1 control-plane node and 0 worker nodes, the spec (cluster.controlPlanes) asks for 3 control-plane nodes and 0 worker nodes: kind cannot add or remove nodes",
    );
    expect(nodeCountChange("shop", ["shop-control-plane", "shop-control-plane2", "shop-control-plane3"], { controlPlanes: 1, workers: 1 })).toContain("the spec (cluster.controlPlanes, cluster.workers) asks for 1 control-plane node and 1 worker node");
  });
});
