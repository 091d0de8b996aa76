import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isInside } from "./inside.ts";

describe("isInside", () => {
  const root = join("/", "work", "project");
  it("holds for the folder itself and anything below it", () => {
    for (const p of [root, join(root, "a"), join(root, "a", "b.txt"), join(root, "..dotted"), join(root, "a", "..", "b")]) expect(isInside(p, root), p).toBe(true);
  });
  it("fails for the parent, siblings that share a prefix, and paths that climb out", () => {
    for (const p of [join("/", "work"), join("/", "work", "project-2"), join(root, "..", "other"), join("/", "etc", "passwd")]) expect(isInside(p, root), p).toBe(false);
  });
});
