import { describe, expect, it } from "vitest";
import { readyEndpoints } from "./endpoints.ts";

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
