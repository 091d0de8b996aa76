import { describe, expect, it } from "vitest";
import { ForwardDrain } from "./forward-drain.ts";

function socket() {
  return {
    bytesRead: 0,
    bytesWritten: 0,
    destroyed: false,
    destroy() {
      this.destroyed = true;
    },
  };
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

  it("a connection to a pod going away is closed after an answer and a quiet look, never while a request waits", () => {
    const d = new ForwardDrain();
    const s = socket();
    d.pin(s, "api-1");
    expect(d.sweep(new Set(["api-2"]))).toBe(1); // first look: remembered
    s.bytesRead += 120; // a request came in
    expect(d.sweep(new Set(["api-2"]))).toBe(1);
    expect(d.sweep(new Set(["api-2"]))).toBe(1); // still waiting for its answer: left open
    expect(d.sweep(new Set(["api-2"]))).toBe(1);
    expect(s.destroyed).toBe(false);
    s.bytesWritten += 2000; // the answer
    expect(d.sweep(new Set(["api-2"]))).toBe(1);
    expect(s.destroyed).toBe(false);
    expect(d.sweep(new Set(["api-2"]))).toBe(0); // quiet after the answer: between requests
    expect(s.destroyed).toBe(true);
  });

  it("an idle connection (nothing since the first look) is closed at the second look", () => {
    const d = new ForwardDrain();
    const s = socket();
    d.pin(s, "api-1");
    d.sweep(new Set());
    expect(s.destroyed).toBe(false);
    d.sweep(new Set());
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

describe("ForwardDrain with connections that can move", () => {
  it("moves an idle connection off a pod going away instead of closing it, once", () => {
    const d = new ForwardDrain();
    const s = socket();
    let moves = 0;
    d.pin(s, "api-1", () => moves++);
    d.sweep(new Set(["api-2"]));
    expect(moves).toBe(0);
    expect(d.sweep(new Set(["api-2"]))).toBe(0);
    expect(moves).toBe(1);
    expect(s.destroyed).toBe(false);
    // Unpinned once moved: the next sweeps leave it alone until it is pinned to its new pod.
    d.sweep(new Set());
    d.sweep(new Set());
    expect(moves).toBe(1);
  });

  it("keeps the move across a look at a ready pod", () => {
    const d = new ForwardDrain();
    const s = socket();
    let moves = 0;
    d.pin(s, "api-1", () => moves++);
    d.sweep(new Set(["api-1"]));
    d.sweep(new Set());
    d.sweep(new Set());
    expect(moves).toBe(1);
    expect(s.destroyed).toBe(false);
  });
});
