import { describe, expect, it } from "vitest";
import { DevupError, ExitCode, formatErrorReport, toErrorReport } from "./index.ts";

describe("error reports", () => {
  it("keeps a DevupError's code, hint and exit code", () => {
    const report = toErrorReport(
      new DevupError("specInvalid", "dev.yaml has 2 errors", { hint: "fix them", details: ["a", "b"] }),
    );
    expect(report).toEqual({
      code: "E_SPEC_INVALID",
      message: "dev.yaml has 2 errors",
      hint: "fix them",
      details: ["a", "b"],
      exitCode: ExitCode.invalidInput,
    });
    expect(formatErrorReport(report)).toBe("error[E_SPEC_INVALID]: dev.yaml has 2 errors\n  a\n  b\nhint: fix them");
  });

  it("reports anything else as internal, with a bug-report hint", () => {
    const report = toErrorReport(new TypeError("x is undefined"));
    expect(report.code).toBe("E_INTERNAL");
    expect(report.exitCode).toBe(70);
    expect(report.message).toBe("internal error: x is undefined");
    expect(report.hint).toMatch(/bug in devup/);
    expect(report.stack).toBeUndefined();
    expect(toErrorReport(new Error("boom"), true).stack).toMatch(/boom/);
  });
});
