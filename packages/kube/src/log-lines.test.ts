import { describe, expect, it } from "vitest";
import { lineSplitter, splitTimestamp } from "./log-lines.ts";

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
