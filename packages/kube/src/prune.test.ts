import { describe, expect, it } from "vitest";
import { objectsToPrune } from "./prune.ts";

describe("objectsToPrune", () => {
  it("keeps what is desired (by kind, namespace and name) and returns the rest", () => {
    const existing = [
      { kind: "ConfigMap", name: "users-config", namespace: "shop" },
      { kind: "ConfigMap", name: "old-config", namespace: "shop" },
      { kind: "Secret", name: "users-config", namespace: "shop" },
      { kind: "Deployment", name: "users", namespace: "other" },
    ];
    const desired = [
      { kind: "ConfigMap", name: "users-config", namespace: "shop" },
      { kind: "Deployment", name: "users", namespace: "shop" },
    ];
    expect(objectsToPrune(existing, desired)).toEqual([
      { kind: "ConfigMap", name: "old-config", namespace: "shop" },
      { kind: "Secret", name: "users-config", namespace: "shop" },
      { kind: "Deployment", name: "users", namespace: "other" },
    ]);
  });

  it("prunes nothing when everything is desired, and everything when nothing is", () => {
    const existing = [{ kind: "Service", name: "users", namespace: "shop" }];
    expect(objectsToPrune(existing, existing)).toEqual([]);
    expect(objectsToPrune(existing, [])).toEqual(existing);
  });
});
