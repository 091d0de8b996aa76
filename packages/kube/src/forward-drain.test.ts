import { describe, expect, it } from "vitest";
import { ForwardDrain } from "./forward-drain.ts";

function socket() {
  return { bytesRead: 0, bytesWritten: 0, destroyed: false, destroy() { this.destroyed = true; } };
}

describe("ForwardDrain", () => {
  it("connections to a ready pod are left alone", () => {
    const d = new ForwardDrain();
    const s = socket();
    d.pin(s, "api-1");
    expect(d.sweep(new Set(["api-1"]))).toBe(0);
    expect(d.sweep(new Set(["api-1"]))).toBe(0);
    expect(s.destroyed).toBe(false);
  });

  it("a connection to a pod going away is closed once idle between two looks, not while bytes flow", () => {
    const d = new ForwardDrain();
    const s = socket();
    d.pin(s, "api-1");
    s.bytesRead = 100;
    expect(d.sweep(new Set(["api-2"]))).toBe(1); // first look: remembered
    s.bytesWritten = 2000; // a response still being written
    expect(d.sweep(new Set(["api-2"]))).toBe(1);
    expect(s.destroyed).toBe(false);
    expect(d.sweep(new Set(["api-2"]))).toBe(0); // idle since the last look
    expect(s.destroyed).toBe(true);
  });

  it("a pod that is ready again stops the drain of its connections", () => {
    const d = new ForwardDrain();
    const s = socket();
    d.pin(s, "api-1");
    d.sweep(new Set());
    d.sweep(new Set(["api-1"]));
    expect(d.sweep(new Set())).toBe(1);
    expect(s.destroyed).toBe(false);
  });
});
