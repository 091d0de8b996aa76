import { describe, expect, it } from "vitest";
import { ServiceQueue } from "./queue.ts";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("ServiceQueue", () => {
  it("runs one update per service at a time and merges what arrives meanwhile into one follow-up", async () => {
    const runs: Array<[string, string[]]> = [];
    const gates: Array<ReturnType<typeof deferred>> = [];
    let concurrent = 0;
    let maxConcurrent = 0;
    const q = new ServiceQueue<string[]>(
      async (service, work) => {
        runs.push([service, work]);
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        const gate = deferred();
        gates.push(gate);
        await gate.promise;
        concurrent--;
      },
      (a, b) => [...a, ...b],
    );
    q.schedule("api", ["a"]);
    q.schedule("api", ["b"]);
    q.schedule("api", ["c"]);
    q.schedule("web", ["w"]);
    expect(runs).toEqual([
      ["api", ["a"]],
      ["web", ["w"]],
    ]);
    gates[0]!.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(runs[2]).toEqual(["api", ["b", "c"]]);
    gates[1]!.resolve();
    gates[2]!.resolve();
    await q.idle();
    expect(runs).toHaveLength(3);
    expect(maxConcurrent).toBe(2); // api and web side by side, never two of api
  });

  it("a failed update does not lose the follow-up", async () => {
    const runs: string[][] = [];
    const q = new ServiceQueue<string[]>(
      (_s, work) => {
        runs.push(work);
        return runs.length === 1 ? Promise.reject(new Error("boom")) : Promise.resolve();
      },
      (a, b) => [...a, ...b],
    );
    q.schedule("api", ["a"]);
    q.schedule("api", ["b"]);
    await q.idle();
    expect(runs).toEqual([["a"], ["b"]]);
  });
});
