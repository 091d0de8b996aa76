import { describe, expect, it } from "vitest";
import { readyEndpoints, waitForEndpoints } from "./endpoints.ts";
import type { Kube } from "./kube.ts";

describe("readyEndpoints", () => {
  it("counts ready endpoints across slices, an unset ready as ready and false as not", () => {
    expect(
      readyEndpoints([
        { endpoints: [{ conditions: { ready: true } }, { conditions: { ready: false } }] },
        { endpoints: [{ conditions: {} }, { conditions: { ready: null } }] },
      ]),
    ).toBe(3);
  });
  it("counts nothing for a Service without slices or endpoints", () => {
    expect(readyEndpoints([])).toBe(0);
    expect(readyEndpoints([{ endpoints: null }, {}])).toBe(0);
  });
});

describe("waitForEndpoints", () => {
  const slice = { endpoints: [{ conditions: { ready: true } }] };
  const kubeAnswering = (answers: Array<number | "ready">) => {
    let call = 0;
    const kube = {
      server: "https://127.0.0.1:6443",
      objects: {
        list: () => {
          const a = answers[Math.min(call++, answers.length - 1)];
          return a === "ready" ? Promise.resolve({ items: [slice] }) : Promise.reject(Object.assign(new Error(`HTTP ${a}`), { code: a }));
        },
      },
    } as unknown as Kube;
    return { kube, calls: () => call };
  };

  it("asks again after a busy API server (429, 503) within its wait, and resolves once the pod is listed", async () => {
    const { kube, calls } = kubeAnswering([429, 503, "ready"]);
    await waitForEndpoints(kube, "shop", { users: 1 }, 10_000);
    expect(calls()).toBe(3);
  });

  it("fails at once on an answer that asking again cannot change (403), naming the Service", async () => {
    const { kube, calls } = kubeAnswering([403]);
    await expect(waitForEndpoints(kube, "shop", { users: 1 }, 10_000)).rejects.toThrow(/reading the endpoints of Service shop\/users/);
    expect(calls()).toBe(1);
  });
});
