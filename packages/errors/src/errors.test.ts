import { describe, expect, it } from "vitest";
import { DevupError, errorMessage, ExitCode, formatErrorReport, toErrorReport } from "./index.ts";

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

describe("errorMessage", () => {
  it("never says [object Object]: error-like objects, nested errors, codes and plain objects get words", () => {
    const cases: unknown[] = [
      new Error("connect ECONNREFUSED /var/run/docker.sock"),
      "plain text",
      { message: "socket hang up", type: "error" }, // a ws ErrorEvent's shape
      { type: "error", error: new Error("getaddrinfo ENOTFOUND kind-control-plane") },
      { code: "ECONNRESET" },
      { status: 503, body: { reason: "ServiceUnavailable" } },
      { type: "close" },
      Object.create(null) as object,
      42,
      undefined,
      null,
      Symbol("x"),
    ];
    const texts = cases.map((c) => errorMessage(c));
    for (const t of texts) {
      expect(t).not.toMatch(/\[object /);
      expect(t.length).toBeGreaterThan(0);
    }
    expect(texts.slice(0, 6)).toEqual([
      "connect ECONNREFUSED /var/run/docker.sock",
      "plain text",
      "socket hang up",
      "getaddrinfo ENOTFOUND kind-control-plane",
      "error ECONNRESET",
      '{"status":503,"body":{"reason":"ServiceUnavailable"}}',
    ]);
    expect(toErrorReport({ message: "odd" }).message).toBe("internal error: odd");
  });
});
