import { describe, expect, it } from "vitest";
import { userStep } from "./build.ts";

describe("user step numbers", () => {
  it("leaves out the LABEL step the engine appends", () => {
    expect(userStep("3/4")).toBe("3/3");
    expect(userStep("4/4")).toBe("4/4");
    expect(userStep("odd")).toBe("odd");
  });
});
