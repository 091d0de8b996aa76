import { describe, expect, it } from "vitest";
import { currentPods, podLine, rolloutStatus } from "./rollout-status.ts";
import type { Deployment, Pod, ReplicaSet } from "./types.ts";

const dep: Deployment = {
  metadata: { name: "users", uid: "dep-uid", generation: 3, annotations: { "deployment.kubernetes.io/revision": "2" } },
  spec: { replicas: 2 },
  status: { observedGeneration: 3, replicas: 3, updatedReplicas: 1, availableReplicas: 2 },
};

function rs(name: string, revision: string, hash: string, owner = "dep-uid"): ReplicaSet {
  return { metadata: { name, labels: { "pod-template-hash": hash }, annotations: { "deployment.kubernetes.io/revision": revision }, ownerReferences: [{ uid: owner }] } };
}

function pod(name: string, hash: string, extra: Partial<NonNullable<Pod["metadata"]>> = {}, phase = "Running"): Pod {
  return { metadata: { name, labels: { "pod-template-hash": hash }, ...extra }, status: { phase } };
}

describe("rolloutStatus", () => {
  it("summarizes a rollout in progress", () => {
    expect(rolloutStatus(dep)).toMatchObject({ done: false, observed: true, desired: 2, updated: 1, available: 2, total: 3 });
    expect(rolloutStatus(dep).summary).toBe("2/2 available, 1/2 updated, 2 old pods still running");
  });

  it("treats a missing replicas field as 1 and scaling to zero as done", () => {
    expect(rolloutStatus({ metadata: { generation: 1 }, status: { observedGeneration: 1 } }).desired).toBe(1);
    expect(rolloutStatus({ metadata: { generation: 1 }, spec: { replicas: 0 }, status: { observedGeneration: 1 } }).done).toBe(true);
  });
});

describe("currentPods", () => {
  const sets = [rs("users-old", "1", "aaa"), rs("users-new", "2", "bbb"), rs("not-ours", "2", "ccc", "other-uid")];

  it("keeps only live pods of the ReplicaSet at the Deployment's revision", () => {
    const pods = [
      pod("users-new-2", "bbb"),
      pod("users-old-1", "aaa"),
      pod("users-new-1", "bbb"),
      pod("users-new-gone", "bbb", { deletionTimestamp: "2026-01-01T00:00:00Z" }),
      pod("users-new-evicted", "bbb", {}, "Failed"),
      pod("other", "ccc"),
    ];
    expect(currentPods(dep, sets, pods).map((p) => p.metadata?.name)).toEqual(["users-new-1", "users-new-2"]);
  });

  it("knows no current pods while the current revision's ReplicaSet has not been seen", () => {
    const pods = [pod("users-old-1", "aaa"), pod("users-new-1", "bbb")];
    expect(currentPods(dep, [rs("users-old", "1", "aaa")], pods)).toEqual([]);
  });

  it("counts all live pods of a Deployment that has no revision yet", () => {
    const fresh: Deployment = { metadata: { name: "users", uid: "dep-uid" } };
    expect(currentPods(fresh, [], [pod("users-1", "aaa"), pod("users-2", "bbb")])).toHaveLength(2);
  });
});

describe("podLine", () => {
  it("says phase, what a container waits for, readiness and restarts", () => {
    const p: Pod = {
      metadata: { name: "users-1" },
      status: { phase: "Running", containerStatuses: [{ name: "app", ready: false, restartCount: 4, state: { waiting: { reason: "CrashLoopBackOff" } } }] },
    };
    expect(podLine(p)).toBe("users-1: Running (CrashLoopBackOff), 0/1 ready, 4 restarts");
    expect(podLine({ metadata: { name: "users-2" } })).toBe("users-2: Pending");
  });
});
