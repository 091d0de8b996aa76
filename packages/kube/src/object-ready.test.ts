import { describe, expect, it } from "vitest";
import { objectStatus, waitsForReadiness } from "./object-ready.ts";

describe("objectStatus", () => {
  it("a StatefulSet is ready when every replica of the current revision is", () => {
    const sts = (status: object, generation = 2) => ({ metadata: { generation }, spec: { replicas: 2 }, status: { observedGeneration: 2, currentRevision: "a", updateRevision: "a", ...status } });
    expect(objectStatus("StatefulSet", sts({ readyReplicas: 2 }))).toEqual({ ready: true, summary: "2/2 ready" });
    expect(objectStatus("StatefulSet", sts({ readyReplicas: 1 }))).toEqual({ ready: false, summary: "1/2 ready" });
    expect(objectStatus("StatefulSet", sts({ readyReplicas: 2 }, 3)).ready).toBe(false); // the controller has not seen the change yet
    expect(objectStatus("StatefulSet", sts({ readyReplicas: 2, updateRevision: "b", updatedReplicas: 1 })).ready).toBe(false);
  });

  it("a DaemonSet is ready when every scheduled pod is ready and updated", () => {
    const ds = (numberReady: number) => ({ metadata: { generation: 1 }, status: { observedGeneration: 1, desiredNumberScheduled: 2, numberReady, updatedNumberScheduled: 2 } });
    expect(objectStatus("DaemonSet", ds(2)).ready).toBe(true);
    expect(objectStatus("DaemonSet", ds(1))).toEqual({ ready: false, summary: "1/2 ready" });
  });

  it("a Job is ready when complete, and failed (fatal) with its reason in words", () => {
    expect(objectStatus("Job", { status: { conditions: [{ type: "Complete", status: "True" }], succeeded: 1 } }).ready).toBe(true);
    expect(objectStatus("Job", { status: { active: 1 } })).toEqual({ ready: false, summary: "0 succeeded, 1 running" });
    expect(objectStatus("Job", { status: { conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" }] } })).toEqual({
      ready: false,
      failed: true,
      summary: "Job failed: BackoffLimitExceeded (Job has reached the specified backoff limit)",
    });
  });

  it("a CRD is ready when Established; anything else by its Ready condition", () => {
    expect(objectStatus("CustomResourceDefinition", { status: { conditions: [{ type: "Established", status: "True" }] } }).ready).toBe(true);
    expect(objectStatus("CustomResourceDefinition", { status: { conditions: [{ type: "NamesAccepted", status: "False", message: "plural taken" }] } })).toEqual({ ready: false, summary: "not established yet: plural taken" });
    expect(objectStatus("Gadget", { status: { conditions: [{ type: "Ready", status: "False", reason: "Pending", message: "waiting for parts" }] } })).toEqual({ ready: false, summary: "Ready=False (Pending: waiting for parts)" });
    expect(objectStatus("Gadget", { status: { conditions: [{ type: "Ready", status: "True" }] } }).ready).toBe(true);
  });

  it("only workloads, CRDs and objects with a Ready condition are waited for", () => {
    expect(waitsForReadiness({ kind: "ConfigMap" }, { data: {} })).toBe(false);
    expect(waitsForReadiness({ kind: "Gadget" }, { status: {} })).toBe(false);
    expect(waitsForReadiness({ kind: "Gadget" }, { status: { conditions: [{ type: "Ready", status: "False" }] } })).toBe(true);
    expect(waitsForReadiness({ kind: "StatefulSet" })).toBe(true);
  });
});
