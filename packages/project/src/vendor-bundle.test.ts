// zod and yaml as the build bundles them (scripts/bundle-deps.mjs): the same exports as the
// re-exports tests use, and they work (a schema checks, a document keeps its positions).
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as yamlSource from "./yaml.ts";
import * as zodSource from "./zod.ts";

const script = fileURLToPath(new URL("../../../scripts/bundle-deps.mjs", import.meta.url));
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "devup-vendor-bundle-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function bundled<T>(name: string): Promise<T> {
  const out = join(dir, `${name}.js`);
  execFileSync(process.execPath, [script, "--out", out, fileURLToPath(new URL(`${name}.ts`, import.meta.url))], { stdio: "inherit" });
  return (await import(out)) as T;
}

describe("the bundled dependencies of project", () => {
  it("zod: same exports, and a schema still checks", { timeout: 60_000 }, async () => {
    const { z } = await bundled<typeof zodSource>("zod");
    expect(Object.keys(z).sort()).toEqual(Object.keys(zodSource.z).sort());
    const Port = z.object({ port: z.number().int().max(65535) });
    expect(Port.safeParse({ port: 8080 }).success).toBe(true);
    expect(Port.safeParse({ port: 70000 }).error?.issues[0]?.path).toEqual(["port"]);
  });

  it("yaml: same exports, names kept, and positions", { timeout: 60_000 }, async () => {
    const yaml = await bundled<typeof yamlSource>("yaml");
    expect(Object.keys(yaml).sort()).toEqual(Object.keys(yamlSource).sort());
    expect(yaml.YAMLParseError.name).toBe("YAMLParseError");
    const lines = new yaml.LineCounter();
    const doc = yaml.parseDocument("a: 1\nb:\n  c: [x, 2]\n", { lineCounter: lines });
    expect(doc.toJS()).toEqual({ a: 1, b: { c: ["x", 2] } });
    const node = doc.getIn(["b", "c"], true) as { range: [number, number, number] };
    expect(lines.linePos(node.range[0])).toEqual({ line: 3, col: 6 });
  });
});
