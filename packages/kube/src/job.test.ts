import { describe, expect, it } from "vitest";
import { jobState } from "./job.ts";
import type { Pod } from "./types.ts";

const pod = (state: NonNullable<NonNullable<Pod["status"]>["containerStatuses"]>[number]["state"]): Pod => ({ status: { containerStatuses: [{ name: "test", state }] } });

describe("jobState", () => {
  it("is done and passed when the Job succeeded", () => {
    expect(jobState({ succeeded: 1 }, pod({ terminated: { exitCode: 0 } }))).toEqual({ done: true, succeeded: true });
    expect(jobState({ conditions: [{ type: "Complete", status: "True" }] }, undefined)).toEqual({ done: true, succeeded: true });
  });

  it("says the exit code of a failed test, and when the deadline stopped it", () => {
    expect(jobState({ failed: 1 }, pod({ terminated: { exitCode: 3, reason: "Error" } }))).toEqual({ done: true, succeeded: false, reason: "the test command exited with code 3" });
    expect(jobState({ conditions: [{ type: "Failed", status: "True", reason: "DeadlineExceeded" }] }, pod({ running: {} }))).toEqual({ done: true, succeeded: false, reason: "it ran longer than its timeout and was stopped" });
  });

  it("is still running while the pod starts, and says why a pod cannot start", () => {
    expect(jobState({}, undefined)).toEqual({ done: false });
    expect(jobState({}, pod({ waiting: { reason: "ContainerCreating" } }))).toEqual({ done: false });
    expect(jobState({}, pod({ waiting: { reason: "ErrImagePull", message: "not found" } }))).toEqual({ done: false, waiting: "ErrImagePull: not found" });
  });
});
