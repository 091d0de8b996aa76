import { loadProject } from "@devup/project";
import { describe, expect, it } from "vitest";
import { formatLogLine, logLineFormatter, parseJsonLog } from "./log-format.ts";
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

describe("formatLogLine", () => {
  const line = JSON.stringify({ time: "2026-11-22T05:06:07.123Z", level: "info", service: "users", msg: "request", path: "/v1/users", status: 200, apiToken: "t0ps3cret", user: { id: 1 } });

  it("shows a JSON line as time, level and message; the other fields only on demand, secret-looking names redacted", () => {
    expect(formatLogLine(line)).toBe("05:06:07.123 INFO  request");
    expect(formatLogLine(line, { fields: true })).toBe('05:06:07.123 INFO  request service=users path=/v1/users status=200 apiToken=<redacted> user={"id":1}');
  });

  it("leaves other lines as they are, also JSON that is no log record", () => {
    for (const l of ["plain text", "{not json", '{"a":1}', "[1,2]", ""]) expect(formatLogLine(l)).toBe(l);
  });

  it("understands message/severity/numeric levels and lines without a time", () => {
    expect(formatLogLine('{"level":30,"message":"up"}')).toBe("INFO  up");
    expect(formatLogLine('{"severity":"ERROR","msg":"boom","time":"yesterday"}')).toBe("yesterday ERROR boom");
    expect(formatLogLine('{"level":"warn"}')).toBe("WARN  ");
  });

  it("never shows known secret values, in JSON fields or plain lines", () => {
    const secrets = ["s3cr3t-value", "ab"];
    expect(formatLogLine('{"level":"info","msg":"using s3cr3t-value","note":"s3cr3t-value"}', { fields: true, secrets })).toBe("INFO  using <redacted> note=<redacted>");
    expect(formatLogLine("token is s3cr3t-value, ab stays", { secrets })).toBe("token is <redacted>, ab stays");
  });

  it("parses into parts for machine output", () => {
    expect(parseJsonLog(line)).toEqual({ time: "2026-11-22T05:06:07.123Z", level: "info", message: "request", fields: { service: "users", path: "/v1/users", status: 200, apiToken: "<redacted>", user: { id: 1 } } });
    expect(parseJsonLog("text")).toBeUndefined();
  });
});
