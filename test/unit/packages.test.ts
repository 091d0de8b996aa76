// What `pnpm pack` puts in each workspace package: its built code. A package without a `files` list
// is packed by .gitignore, which leaves dist/ out, and the installed CLI then fails to import it.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const packages = fileURLToPath(new URL("../../packages/", import.meta.url));
const manifests = readdirSync(packages).map((dir) => ({ dir, json: JSON.parse(readFileSync(join(packages, dir, "package.json"), "utf8")) as { name: string; files?: string[]; dependencies?: Record<string, string> } }));

describe("workspace packages as npm packs them", () => {
  it.each(manifests.map((m) => [m.json.name, m] as const))("%s ships dist/ and no tests", (_name, m) => {
    expect(m.json.files).toEqual(expect.arrayContaining(["dist", "!dist/**/*.test.*"]));
  });

  it("every workspace package the CLI needs is one of them", () => {
    const names = new Set(manifests.map((m) => m.json.name));
    const needed = manifests.flatMap((m) => Object.keys(m.json.dependencies ?? {}).filter((d) => d.startsWith("@devup/")));
    expect(needed.filter((d) => !names.has(d))).toEqual([]);
  });
});
