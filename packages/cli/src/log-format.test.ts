import { loadProject } from "@devup/project";
import { describe, expect, it } from "vitest";
import { logLineFormatter } from "./log-format.ts";
import { repoRoot } from "./testing.ts";

const samples = loadProject(repoRoot).value!;
const line = JSON.stringify({ time: "2026-11-22T05:06:07.123Z", level: "info", service: "users", msg: "token example-users-token in use", authHeader: "Bearer x" });

describe("logLineFormatter (the samples' spec)", () => {
  it("shows level and message, fields on demand, and never the project's secret values", () => {
    expect(logLineFormatter(samples, {})(line)).toEqual({
      text: "05:06:07.123 INFO  token <redacted> in use",
      line: line.replace("example-users-token", "<redacted>"),
      parsed: { level: "info", msg: "token <redacted> in use", time: "2026-11-22T05:06:07.123Z" },
    });
    expect(logLineFormatter(samples, { fields: true })(line).text).toBe("05:06:07.123 INFO  token <redacted> in use service=users authHeader=<redacted>");
    expect(logLineFormatter(samples, {})("plain example-users-token").text).toBe("plain <redacted>");
  });

  it("--raw leaves every line as written", () => {
    expect(logLineFormatter(samples, { raw: true, fields: true })(line)).toEqual({ text: line, line });
  });
});
