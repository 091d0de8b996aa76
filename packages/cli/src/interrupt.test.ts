import { initialState, reduce, type EngineState, type Phase } from "@devup/engine";
import { describe, expect, it } from "vitest";
import { abandonedMessage, interruptedMessage } from "./interrupt.ts";

function state(phases: Record<string, Phase>): EngineState {
  let s = initialState("shop", "local", "shop", "devup", Object.keys(phases).map((name) => ({ name, replicas: 1 })));
  for (const [service, phase] of Object.entries(phases)) s = reduce(s, { type: "phase", service, phase });
  return s;
}

describe("interruptedMessage", () => {
  it("names what was applied and which builds were cancelled", () => {
    expect(interruptedMessage(state({ db: "ready", api: "building", web: "pending" }), "dev up")).toEqual({
      applied: ["db"],
      message: "stopped during dev up: db was applied and keeps running in namespace shop; the build of api was cancelled (nothing of it was deployed); the cluster devup keeps running (dev down removes the workloads)",
    });
  });

  it("nothing applied yet", () => {
    expect(interruptedMessage(state({ api: "pending" }), "dev apply").message).toBe("stopped during dev apply: nothing was applied yet; the cluster devup keeps running (dev down removes the workloads)");
  });
});

describe("abandonedMessage", () => {
  it("names each update it did not wait for, with its step", () => {
    expect(abandonedMessage(state({ api: "building", web: "starting", db: "ready" }))).toBe(
      "stopped at once (second Ctrl-C): abandoned the update of api (building), web (starting): it may be half-done; the forwards were dropped without closing; the cluster devup and namespace shop keep running (dev up again makes everything current)",
    );
  });

  it("nothing in progress", () => {
    expect(abandonedMessage(state({ api: "ready" }))).not.toContain("abandoned the update");
  });
});
