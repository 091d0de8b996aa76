import { describe, expect, it } from "vitest";
import { podHealth } from "./pod-health.ts";
import type { Pod } from "./types.ts";

const pod = (status: NonNullable<Pod["status"]>): Pod => ({ metadata: { name: "api-1", uid: "u1" }, status });

describe("podHealth", () => {
  it("a running container that never restarted", () => {
    expect(podHealth(pod({ phase: "Running", containerStatuses: [{ restartCount: 0, state: { running: { startedAt: "2026-01-01T00:00:00Z" } } }] }))).toEqual({
      name: "api-1",
      uid: "u1",
      restarts: 0,
      running: true,
      waiting: undefined,
      lastExit: undefined,
    });
  });

  it("a container in crash back-off: not running, its last exit code and the waiting reason", () => {
    const h = podHealth(pod({ phase: "Running", containerStatuses: [{ restartCount: 2, state: { waiting: { reason: "CrashLoopBackOff" } }, lastState: { terminated: { exitCode: 3, reason: "Error" } } }] }));
    expect(h).toMatchObject({ restarts: 2, running: false, waiting: "CrashLoopBackOff", lastExit: { code: 3, reason: "Error" } });
  });
});
