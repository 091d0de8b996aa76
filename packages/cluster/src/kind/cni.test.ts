import { DevupError } from "@devup/errors";
import { describe, expect, it } from "vitest";
import { cniChoice, cniOfLabels, kindNodeRoles, withoutLoadBalancer } from "./cluster.ts";

describe("node image pod network", () => {
  it("reads the labels of stock, older offline and multi-node offline images", () => {
    expect(cniOfLabels({})).toBe("default");
    expect(cniOfLabels({ "devup.recipe": "kind-node v1.34.4 abc" })).toBe("own");
    expect(cniOfLabels({ "devup.dev/cni": "default" })).toBe("default");
    expect(cniOfLabels({ "devup.dev/cni": "calico" })).toBe("own");
    expect(cniOfLabels({ "devup.recipe": "kind-node v1.34.4 abc", "devup.dev/multinode-cni": "flannel" })).toBe("own+default-multinode");
  });

  it("skips kind's CNI on one node, applies the image's flannel on several (workers or control planes)", () => {
    expect(cniChoice("img", "own+default-multinode", 0)).toBe(true);
    expect(cniChoice("img", "own+default-multinode", 2)).toBe(false);
    expect(cniChoice("img", "default", 0)).toBe(false);
    expect(cniChoice("img", "default", 3)).toBe(false);
    expect(cniChoice("img", "own", 0)).toBe(true);
  });

  it("refuses workers on an image whose network serves one node only, saying what to do", () => {
    let error: unknown;
    try {
      cniChoice("devup.local/kind-node:v1", "own", 2);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DevupError);
    expect((error as DevupError).message).toContain("devup.local/kind-node:v1");
    expect((error as DevupError).message).toContain("3 nodes could not reach each other's pods");
    expect((error as DevupError).hint).toContain("scripts/cluster/ensure");
  });

  it("leaves kind's API load balancer out of the nodes", () => {
    expect(withoutLoadBalancer(["ha-external-load-balancer", "ha-control-plane", "ha-control-plane2", "ha-worker"])).toEqual(["ha-control-plane", "ha-control-plane2", "ha-worker"]);
    expect(withoutLoadBalancer(["one-control-plane"])).toEqual(["one-control-plane"]);
  });

  it("tells control-plane nodes from workers by kind's names", () => {
    expect(kindNodeRoles(["ha-control-plane", "ha-control-plane3", "ha-worker", "ha-worker2"])).toEqual({
      "ha-control-plane": "control-plane",
      "ha-control-plane3": "control-plane",
      "ha-worker": "worker",
      "ha-worker2": "worker",
    });
  });
});
