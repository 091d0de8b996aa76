import { describe, expect, it } from "vitest";
import { contextCluster } from "./cluster.ts";
import { envFlag } from "../kind/cluster.ts";
import { tail } from "../exec.ts";

describe("context cluster", () => {
  it("keeps the registry without a trailing slash and refuses a scheme", () => {
    expect(contextCluster({ context: "staging", registry: "registry.example.com/team/" })).toEqual({ provider: "context", context: "staging", registry: "registry.example.com/team" });
    expect(() => contextCluster({ context: "staging", registry: "https://registry.example.com" })).toThrow(/without a scheme/);
  });
});

describe("helpers", () => {
  it("reads boolean environment flags", () => {
    expect(envFlag(undefined)).toBeUndefined();
    expect(envFlag("")).toBeUndefined();
    expect(envFlag("1")).toBe(true);
    expect(envFlag("TRUE")).toBe(true);
    expect(envFlag("0")).toBe(false);
  });

  it("keeps the last non-empty lines of command output", () => {
    expect(tail("a\n\nb\r\nc\n", 2)).toEqual(["b", "c"]);
  });
});
