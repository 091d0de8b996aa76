import { describe, expect, it } from "vitest";
import { createLimiter } from "./limit.ts";

describe("concurrency limiter", () => {
  it("runs at most N tasks at once, in order, and survives failures", async () => {
    const limit = createLimiter(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const task = (i: number) => async () => {
      started.push(i);
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      if (i === 1) throw new Error("boom");
      return i;
    };
    const results = await Promise.allSettled([0, 1, 2, 3, 4].map((i) => limit(task(i))));
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled", "fulfilled"]);
  });

  it("turns a synchronous throw into a rejection and rejects bad limits", async () => {
    const limit = createLimiter(1);
    await expect(limit(() => { throw new Error("sync"); })).rejects.toThrow("sync");
    expect(() => createLimiter(0)).toThrow(RangeError);
  });
});
