// Named volumes in compose files → persistent volumes in the generated service.yaml.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { validateFiles } from "../validate.ts";
import { importCompose } from "./convert.ts";

function convert(compose: string) {
  const files: Record<string, string> = { "compose.yaml": compose };
  const { value, errors } = importCompose({ files: ["compose.yaml"], readFile: (p) => files[p], env: {} }, "shop");
  expect(errors).toEqual([]);
  const generated = Object.fromEntries(value!.files.map((f) => [f.path, f.content]));
  const spec = (s: string) => parse(generated[`services/${s}/service.yaml`]!) as { volumes?: unknown };
  const notes = value!.notes.map((n) => `${n.path}: ${n.message}`);
  return { generated, spec, notes };
}

describe("compose named volumes", () => {
  it("become the service's persistent volumes, named without the service's prefix, and the spec validates", () => {
    const { generated, spec, notes } = convert(`
services:
  db:
    image: postgres:16
    volumes: ["db-data:/var/lib/postgresql/data", { type: volume, source: Backups_2024, target: /backups }]
  web:
    image: web:1
    ports: ["8080:8080"]
volumes:
  db-data:
  Backups_2024:
`);
    expect(spec("db").volumes).toEqual([
      { name: "data", mountPath: "/var/lib/postgresql/data" },
      { name: "backups-2024", mountPath: "/backups" },
    ]);
    expect(spec("web").volumes).toBeUndefined();
    expect(notes).toContainEqual(expect.stringMatching(/services\.db\.volumes\[0\]: carried as a persistent volume: db-data at \/var\/lib\/postgresql\/data is the PersistentVolumeClaim db-data/));
    expect(notes.join("\n")).not.toMatch(/not carried: named volume|PersistentVolumeClaims in Kubernetes, which devup does not generate/);
    const validated = validateFiles(generated);
    expect(validated.errors).toEqual([]);
    expect(validated.value!.services.find((s) => s.name === "db")!.volumes.map((v) => `${v.name}:${v.mountPath}:${v.size}`)).toEqual(["data:/var/lib/postgresql/data:1Gi", "backups-2024:/backups:1Gi"]);
  });

  it("say what they lose: anonymous volumes, external data, drivers, read-only, sharing between services", () => {
    const { spec, notes } = convert(`
services:
  db:
    image: postgres:16
    volumes: ["/tmp/cache", "shared:/shared:ro", "ext:/ext"]
  worker:
    image: worker:1
    volumes: ["shared:/data"]
volumes:
  shared: { driver: local, driver_opts: { type: nfs } }
  ext: { external: true }
`);
    expect(spec("db").volumes).toEqual([
      { name: "shared", mountPath: "/shared" },
      { name: "ext", mountPath: "/ext" },
    ]);
    expect(spec("worker").volumes).toEqual([{ name: "shared", mountPath: "/data" }]);
    const text = notes.join("\n");
    expect(text).toMatch(/db\.volumes\[0\]: not carried: anonymous volume at \/tmp\/cache/);
    expect(text).toMatch(/db\.volumes\[1\]: not carried: the driver and driver_opts of volume shared/);
    expect(text).toMatch(/db\.volumes\[1\]: not carried: read-only/);
    expect(text).toMatch(/db\.volumes\[1\]: not shared: compose shares shared with worker/);
    expect(text).toMatch(/worker\.volumes\[0\]: not shared: compose shares shared with db/);
    expect(text).toMatch(/db\.volumes\[2\]: external volume ext: devup makes its own volume, which starts empty/);
    expect(text).not.toMatch(/db\.volumes\[2\]: not carried/);
  });
});
