// `dev eject SERVICE` on each sample service: `dev render` before and after gives the same objects.
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { dev, tempProjects } from "./testing.ts";

const temp = tempProjects();

interface Obj {
  kind: string;
  metadata: { name: string };
}

/** The rendered objects by kind/name; content tags masked (service.yaml and the YAML files are in the build context, so the tag changes). */
async function rendered(dir: string): Promise<Map<string, unknown>> {
  const r = await dev(["render", "--out", "-"], dir);
  expect(r.stderr).not.toMatch(/error/i);
  expect(r.code).toBe(0);
  const masked = r.stdout.replace(/(devup\.local\/[a-z-]+):[0-9a-f]{16}/g, "$1:TAG");
  return new Map(parseAllDocuments(masked).map((d) => {
    const o = d.toJS() as Obj;
    return [`${o.kind}/${o.metadata.name}`, o];
  }));
}

describe("dev eject", () => {
  for (const service of ["accounts", "users", "website"]) {
    it(`${service}: writes its objects as YAML, switches service.yaml to manifests:, and renders the same objects`, async () => {
      const dir = await temp.samples();
      const before = await rendered(dir);
      const r = await dev(["eject", service], dir);
      expect(r.stderr).not.toMatch(/error/i);
      expect(r.code).toBe(0);
      const files = (await readdir(join(dir, "services", service, "deploy"))).sort();
      expect(files).toContain(`40-deployment-${service}.yaml`);
      expect(files.some((f) => f.includes("secret"))).toBe(false);
      const spec = await readFile(join(dir, "services", service, "service.yaml"), "utf8");
      expect(spec).toMatch(/manifests:\n {2}yaml:\n {4}- deploy\/\*\.yaml/);
      expect(spec).not.toMatch(/^ports:/m);
      const deployment = await readFile(join(dir, "services", service, "deploy", `40-deployment-${service}.yaml`), "utf8");
      expect(deployment).toMatch(new RegExp(`image: ${service}\\n`));
      expect(deployment).not.toMatch(/namespace:|devup\.local/);
      const after = await rendered(dir);
      expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
      for (const [key, object] of before) expect(after.get(key), key).toEqual(object);
      // The old service.yaml is kept.
      const backups = await readdir(join(dir, ".devup", "backup"));
      expect(backups).toHaveLength(1);
      expect((await stat(join(dir, ".devup", "backup", backups[0]!, "services", service, "service.yaml"))).isFile()).toBe(true);
    });
  }

  it("refuses a service that has manifests: already, and an unknown service (usage, exit 2)", async () => {
    const dir = await temp.samples();
    expect((await dev(["eject", "users"], dir)).code).toBe(0);
    const again = await dev(["eject", "users"], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("users already has manifests: (services/users/service.yaml:");
    const unknown = await dev(["eject", "nobody"], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no service is named "nobody"');
  });
});
