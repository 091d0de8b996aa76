import { describe, expect, it } from "vitest";
import { formatLogLine, lineSplitter, parseJsonLog, splitTimestamp } from "./log-lines.ts";

describe("lineSplitter", () => {
  it("joins lines split across chunks, also inside a UTF-8 character, and flushes the last partial line", () => {
    const lines: string[] = [];
    const s = lineSplitter((l) => lines.push(l));
    const bytes = Buffer.from("héllo\r\nwor");
    s.push(bytes.subarray(0, 2)); // cuts "é" in half
    s.push(bytes.subarray(2));
    s.push("ld\n\nlast");
    expect(lines).toEqual(["héllo", "world", ""]);
    s.flush();
    expect(lines).toEqual(["héllo", "world", "", "last"]);
  });
});

describe("splitTimestamp", () => {
  it("splits the kubelet's RFC 3339 prefix into a key that sorts right whatever the fraction's length", () => {
    const a = splitTimestamp("2026-01-01T10:00:00.12Z second");
    const b = splitTimestamp("2026-01-01T10:00:00.123456789Z third");
    const c = splitTimestamp("2026-01-01T10:00:00Z first");
    expect(a).toEqual({ key: "2026-01-01T10:00:00.120000000", text: "second" });
    expect(c.key! < a.key! && a.key! < b.key!).toBe(true);
    expect(splitTimestamp("no stamp here")).toEqual({ text: "no stamp here" });
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
