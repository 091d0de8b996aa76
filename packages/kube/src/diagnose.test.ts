import { describe, expect, it } from "vitest";
import { diagnose } from "./diagnose.ts";
import type { ContainerStatus, Deployment, KubeEvent, Pod } from "./types.ts";

const NOW = Date.parse("2026-01-01T12:00:00Z");
const ago = (seconds: number): string => new Date(NOW - seconds * 1000).toISOString();

/** A Deployment the controller has seen (generation observed), with `available` of `desired` replicas up. */
function deployment(available: number, desired = 1, extra: Partial<NonNullable<Deployment["status"]>> = {}): Deployment {
  return {
    metadata: { name: "users", namespace: "shop", generation: 2 },
    spec: { replicas: desired, selector: { matchLabels: { "app.kubernetes.io/name": "users" } } },
    status: { observedGeneration: 2, replicas: desired, updatedReplicas: desired, availableReplicas: available, ...extra },
  };
}

function pod(name: string, status: ContainerStatus, podStatus: Partial<NonNullable<Pod["status"]>> = {}): Pod {
  return {
    metadata: { name, namespace: "shop" },
    spec: { containers: [{ name: "app", image: "users:abc", readinessProbe: { periodSeconds: 5, failureThreshold: 3 } }] },
    status: { phase: "Running", containerStatuses: [{ name: "app", image: "users:abc", restartCount: 0, ...status }], ...podStatus },
  };
}

function event(podName: string, reason: string, message: string, secondsAgo: number): KubeEvent {
  return { involvedObject: { kind: "Pod", name: podName }, reason, message, type: "Warning", lastTimestamp: ago(secondsAgo) };
}

describe("diagnose", () => {
  it("is done when all replicas are updated and available and no old ones remain", () => {
    const d = diagnose(deployment(2, 2), [], [], NOW);
    expect(d.done).toBe(true);
    expect(d.problem).toBeUndefined();
  });

  it("is not done while old pods remain, or before the controller saw the new generation", () => {
    expect(diagnose(deployment(2, 2, { replicas: 3 }), [], [], NOW)).toMatchObject({ done: false, summary: "2/2 available, 1 old pod still running" });
    const unseen = deployment(1, 1, { observedGeneration: 1 });
    expect(diagnose(unseen, [], [], NOW)).toMatchObject({ done: false, summary: "waiting for the Deployment controller to see the new spec" });
  });

  it("does not blame the new revision for pods seen before the controller observed it", () => {
    const crashing = pod("users-old", { state: { waiting: { reason: "CrashLoopBackOff" } }, restartCount: 5 });
    expect(diagnose(deployment(0, 1, { observedGeneration: 1 }), [crashing], [], NOW).problem).toBeUndefined();
  });

  it("reports a starting pod without a problem", () => {
    const starting = pod("users-1", { state: { waiting: { reason: "ContainerCreating" } } }, { phase: "Pending" });
    const d = diagnose(deployment(0), [starting], [], NOW);
    expect(d).toMatchObject({ done: false, summary: "0/1 available" });
    expect(d.problem).toBeUndefined();
  });

  it.each(["ErrImagePull", "ImagePullBackOff", "ErrImageNeverPull", "InvalidImageName"])("says a %s image could not be pulled, fatally", (reason) => {
    const message = 'failed to pull and unpack image "docker.io/library/nope:1": failed to resolve reference';
    const d = diagnose(deployment(0), [pod("users-1", { state: { waiting: { reason, message } }, image: "nope:1" }, { phase: "Pending" })], [], NOW);
    expect(d.problem).toMatchObject({ reason: "imagePull", fatal: true, pod: "users-1", container: "app", message: `image nope:1 could not be pulled: ${message}` });
    expect(d.problem?.hint).toMatch(/image name and tag/);
  });

  it("calls CrashLoopBackOff a crash loop with the exit code, and asks for the crashed instance's logs", () => {
    const status: ContainerStatus = {
      state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 10s restarting failed container" } },
      lastState: { terminated: { exitCode: 3, reason: "Error" } },
      restartCount: 1,
    };
    const d = diagnose(deployment(0), [pod("users-1", status)], [], NOW);
    expect(d.problem).toEqual({
      reason: "crashLoop",
      fatal: true,
      message: 'container "app" is crash-looping: it exited with code 3 (restarted 1 time)',
      pod: "users-1",
      container: "app",
      exitCode: 3,
      logs: { pod: "users-1", container: "app", previous: true },
    });
  });

  it("calls two restarts a crash loop even while the container runs again, naming OOM kills and liveness failures", () => {
    const status: ContainerStatus = { state: { running: { startedAt: ago(1) } }, lastState: { terminated: { exitCode: 137, reason: "OOMKilled" } }, restartCount: 2 };
    const events = [event("users-1", "Unhealthy", "Liveness probe failed: HTTP probe failed with statuscode: 500", 3)];
    const d = diagnose(deployment(0), [pod("users-1", status)], events, NOW);
    expect(d.problem?.reason).toBe("crashLoop");
    expect(d.problem?.message).toBe(
      'container "app" is crash-looping: it was killed for using more memory than its limit (OOMKilled) (restarted 2 times); last liveness probe: Liveness probe failed: HTTP probe failed with statuscode: 500',
    );
  });

  it("does not call a single restart a crash loop", () => {
    const status: ContainerStatus = { state: { running: { startedAt: ago(1) } }, lastState: { terminated: { exitCode: 1 } }, restartCount: 1 };
    expect(diagnose(deployment(0), [pod("users-1", status)], [], NOW).problem).toBeUndefined();
  });

  it("reports a failing readiness probe once the probe had its chances, with the probe's latest event", () => {
    const running: ContainerStatus = { state: { running: { startedAt: ago(40) } }, ready: false };
    const events = [
      event("users-1", "Unhealthy", "Readiness probe failed: Get \"http://10.0.0.5:8080/ready\": connection refused", 30),
      event("users-1", "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", 2),
      event("other-1", "Unhealthy", "Readiness probe failed: other pod", 1),
    ];
    const d = diagnose(deployment(0), [pod("users-1", running)], events, NOW);
    expect(d.problem).toMatchObject({
      reason: "probe",
      fatal: false,
      message: 'readiness probe failing on pod users-1 (container "app" running but not ready for 40s): Readiness probe failed: HTTP probe failed with statuscode: 503',
    });
  });

  it("gives a readiness probe its initial delay and failure threshold before reporting it", () => {
    const running: ContainerStatus = { state: { running: { startedAt: ago(10) } }, ready: false };
    const events = [event("users-1", "Unhealthy", "Readiness probe failed: 503", 2)];
    expect(diagnose(deployment(0), [pod("users-1", running)], events, NOW).problem).toBeUndefined();
  });

  it("reports an unschedulable pod with the scheduler's words, without giving up", () => {
    const pending = pod("users-1", {}, {
      phase: "Pending",
      containerStatuses: [],
      conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/1 nodes are available: 1 Insufficient cpu." }],
    });
    expect(diagnose(deployment(0), [pending], [], NOW).problem).toMatchObject({
      reason: "unschedulable",
      fatal: false,
      message: "pod users-1 cannot be scheduled: 0/1 nodes are available: 1 Insufficient cpu.",
    });
  });

  it("says a missing secret keeps a container from starting", () => {
    const status: ContainerStatus = { state: { waiting: { reason: "CreateContainerConfigError", message: 'secret "users-secrets" not found' } } };
    expect(diagnose(deployment(0), [pod("users-1", status, { phase: "Pending" })], [], NOW).problem).toMatchObject({
      reason: "containerConfig",
      fatal: true,
      message: 'container "app" cannot be started: secret "users-secrets" not found',
    });
  });

  it("waits on the kubelet's own secret cache not synced yet (a busy node), without giving up", () => {
    const status: ContainerStatus = { state: { waiting: { reason: "CreateContainerConfigError", message: "failed to sync secret cache: timed out waiting for the condition" } } };
    expect(diagnose(deployment(0), [pod("users-1", status, { phase: "Pending" })], [], NOW).problem).toMatchObject({ reason: "containerConfig", fatal: false });
  });

  it("reports the Deployment's own failures: pods that cannot be created, an exceeded progress deadline", () => {
    const quota = deployment(0, 1, { conditions: [{ type: "ReplicaFailure", status: "True", reason: "FailedCreate", message: 'pods "users-x" is forbidden: exceeded quota' }] });
    expect(diagnose(quota, [], [], NOW).problem).toMatchObject({ reason: "replicaFailure", fatal: true, message: 'pods cannot be created: pods "users-x" is forbidden: exceeded quota' });
    const stuck = deployment(0, 1, { conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: 'ReplicaSet "users-1" has timed out progressing.' }] });
    expect(diagnose(stuck, [], [], NOW).problem).toMatchObject({ reason: "progressDeadline", fatal: true });
  });

  it("puts the most telling problem first: a bad image before another pod's slow readiness", () => {
    const slow = pod("users-a", { state: { running: { startedAt: ago(100) } }, ready: false });
    const bad = pod("users-b", { state: { waiting: { reason: "ImagePullBackOff", message: "Back-off pulling image" } } });
    expect(diagnose(deployment(0, 2), [slow, bad], [], NOW).problem?.reason).toBe("imagePull");
  });

  it("looks at init containers too", () => {
    const p: Pod = {
      metadata: { name: "users-1" },
      spec: { initContainers: [{ name: "migrate", image: "migrate:1" }], containers: [{ name: "app", image: "users:abc" }] },
      status: {
        phase: "Pending",
        initContainerStatuses: [{ name: "migrate", state: { waiting: { reason: "CrashLoopBackOff" } }, lastState: { terminated: { exitCode: 2 } }, restartCount: 3 }],
        containerStatuses: [{ name: "app", state: { waiting: { reason: "PodInitializing" } } }],
      },
    };
    expect(diagnose(deployment(0), [p], [], NOW).problem).toMatchObject({ reason: "crashLoop", container: "migrate", exitCode: 2 });
  });
});
