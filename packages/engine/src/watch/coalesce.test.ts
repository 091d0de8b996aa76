import { describe, expect, it } from "vitest";
import { Coalescer } from "./coalesce.ts";
import { fakeTimer } from "./fake-timer.ts";

function setup() {
  const timer = fakeTimer();
  const batches: string[][] = [];
  const c = new Coalescer((p) => batches.push(p), { timer, quietMs: 200, maxWaitMs: 10_000 });
  return { timer, batches, c };
}

describe("Coalescer", () => {
  it("flushes one sorted, deduplicated batch after 200 ms without events", () => {
    const { timer, batches, c } = setup();
    c.add("b");
    timer.advance(150);
    c.add("a");
    c.add("b");
    timer.advance(199);
    expect(batches).toEqual([]);
    timer.advance(1);
    expect(batches).toEqual([["a", "b"]]);
  });

  it("flushes after the maximum wait even when events never stop", () => {
    const { timer, batches, c } = setup();
    for (let t = 0; t < 12_000; t += 100) {
      c.add(`f${t}`);
      timer.advance(100);
    }
    expect(batches[0]).toHaveLength(100); // events at 0..9,900 ms; the flush came at 10 s
  });

  it("waits only as long as the paths in the batch need (a shorter quiet period for some paths)", () => {
    const timer = fakeTimer();
    const batches: string[][] = [];
    const c = new Coalescer((p) => batches.push(p), { timer, quietMs: 200, quietFor: (p) => (p.startsWith("src/") ? 50 : 200) });
    c.add("src/a.js");
    timer.advance(50);
    expect(batches).toEqual([["src/a.js"]]);
    c.add("src/b.js");
    timer.advance(20);
    c.add("Dockerfile"); // the batch now needs the full quiet period
    timer.advance(50);
    expect(batches).toHaveLength(1);
    timer.advance(150);
    expect(batches[1]).toEqual(["Dockerfile", "src/b.js"]);
  });

  it("close drops what is pending", () => {
    const { timer, batches, c } = setup();
    c.add("a");
    c.close();
    timer.advance(1000);
    expect(batches).toEqual([]);
  });
});
