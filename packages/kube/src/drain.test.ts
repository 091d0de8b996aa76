import { describe, expect, it } from "vitest";
import { evictable } from "./drain.ts";

describe("evictable", () => {
  it("evicts pods of Deployments and bare pods", () => {
    expect(evictable({ metadata: { name: "api-1", ownerReferences: [{ kind: "ReplicaSet" }] } })).toBe(true);
    expect(evictable({ metadata: { name: "bare" } })).toBe(true);
  });
  it("leaves DaemonSet pods and static pods' mirrors", () => {
    expect(evictable({ metadata: { name: "kube-flannel-x", ownerReferences: [{ kind: "DaemonSet" }] } })).toBe(false);
    expect(evictable({ metadata: { name: "etcd-cp", annotations: { "kubernetes.io/config.mirror": "abc" } } })).toBe(false);
  });
});
