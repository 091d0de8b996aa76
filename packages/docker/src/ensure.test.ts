import { DevupError } from "@devup/errors";
import { describe, expect, it } from "vitest";
import { summarizeBuilds, type ImageResult } from "./ensure.ts";

const r = (service: string, action: ImageResult["action"], error?: DevupError): ImageResult => ({ service, tag: `t/${service}:1`, action, durationMs: 1, ...(error ? { error } : {}) });

describe("build summary", () => {
  it("groups services by action and has no error when all succeed", () => {
    const s = summarizeBuilds([r("a", "built"), r("b", "skipped"), r("c", "built")]);
    expect(s).toEqual({ built: ["a", "c"], skipped: ["b"], failed: [], error: undefined });
  });

  it("passes one failure through and folds several into one error", () => {
    const e1 = new DevupError("build", "a: build failed at step 2/3: RUN false", { hint: "fix it", details: ["l1", "l2"] });
    const e2 = new DevupError("build", "b: build failed at step 1/1: FROM nope", { details: ["m1"] });
    expect(summarizeBuilds([r("a", "failed", e1), r("c", "built")]).error).toBe(e1);
    const folded = summarizeBuilds([r("a", "failed", e1), r("b", "failed", e2)]).error!;
    expect(folded.code).toBe("E_BUILD_FAILED");
    expect(folded.message).toBe("2 image builds failed: a, b");
    expect(folded.details).toEqual([e1.message, "  l1", "  l2", e2.message, "  m1"]);
    expect(folded.hint).toBe("fix it");
  });
});
