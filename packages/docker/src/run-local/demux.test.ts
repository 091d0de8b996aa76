import { describe, expect, it } from "vitest";
import { createLineDemuxer, demuxLines } from "./demux.ts";

const frame = (stream: 1 | 2, text: string): Buffer => {
  const body = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
};

describe("log demultiplexing", () => {
  it("splits frames into whole lines per stream, across chunk boundaries", () => {
    const lines: string[] = [];
    const d = createLineDemuxer((s, l) => lines.push(`${s}:${l}`));
    const all = Buffer.concat([frame(1, "hel"), frame(2, "oops\n"), frame(1, "lo\r\nworld\npart")]);
    for (let i = 0; i < all.length; i += 5) d.push(all.subarray(i, i + 5));
    expect(lines).toEqual(["stderr:oops", "stdout:hello", "stdout:world"]);
    d.end();
    expect(lines.at(-1)).toBe("stdout:part");
  });

  it("reads a whole buffer", () => {
    expect(demuxLines(Buffer.concat([frame(1, "a\nb\n"), frame(2, "c")]))).toEqual(["a", "b", "c"]);
  });
});
