import { describe, expect, it } from "vitest";
import { didYouMean } from "./index.ts";

describe("did you mean", () => {
  it("suggests the closest candidate only when it is a likely typo", () => {
    expect(didYouMean("valdiate", ["up", "validate", "render"])).toBe("validate");
    expect(didYouMean("OUTPTU", ["output", "out"])).toBe("output");
    expect(didYouMean("xyzzy", ["up", "validate", "render"])).toBeUndefined();
    expect(didYouMean("anything", [])).toBeUndefined();
  });
});
