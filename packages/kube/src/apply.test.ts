import { describe, expect, it } from "vitest";
import { applyAction, applyOrder } from "./apply.ts";

describe("applyOrder", () => {
  it("puts Namespaces first and keeps the rest in the given order", () => {
    const kinds = applyOrder([{ kind: "ConfigMap" }, { kind: "Deployment" }, { kind: "Namespace" }, { kind: "Service" }]).map((o) => o.kind);
    expect(kinds).toEqual(["Namespace", "ConfigMap", "Deployment", "Service"]);
  });
});

describe("applyAction", () => {
  const before = { metadata: { name: "x", resourceVersion: "10", managedFields: [{ time: "t1" }] }, data: { a: "1" } };

  it("is created without a previous object, and compares resourceVersions after a real apply", () => {
    expect(applyAction(undefined, before, false)).toBe("created");
    expect(applyAction(before, { ...before }, false)).toBe("unchanged");
    expect(applyAction(before, { ...before, metadata: { ...before.metadata, resourceVersion: "11" } }, false)).toBe("configured");
  });

  it("compares contents after a dry run, where resourceVersion does not move", () => {
    const same = { metadata: { name: "x", resourceVersion: "10", managedFields: [{ time: "t2" }] }, data: { a: "1" } };
    expect(applyAction(before, same, true)).toBe("unchanged");
    expect(applyAction(before, { ...same, data: { a: "2" } }, true)).toBe("configured");
  });
});
