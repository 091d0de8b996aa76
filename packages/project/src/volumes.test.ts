import { describe, expect, it } from "vitest";
import { validateFiles } from "./validate.ts";

const project = (service: string) => validateFiles({ "dev.yaml": "name: shop\n", "services/db/service.yaml": service });
const messages = (r: ReturnType<typeof project>) => r.errors.map((e) => `${e.path}: ${e.message}`);

describe("service volumes", () => {
  it("resolve with a default size and no storage class (the cluster's default)", () => {
    const r = project("image: postgres:16\nvolumes:\n  - { name: data, mountPath: /var/lib/postgresql/data/ }\n  - { name: logs, mountPath: /logs, size: 200Mi, storageClass: fast }\n");
    expect(r.errors).toEqual([]);
    expect(r.value!.services[0]!.volumes).toEqual([
      { name: "data", mountPath: "/var/lib/postgresql/data", size: "1Gi", storageClass: undefined },
      { name: "logs", mountPath: "/logs", size: "200Mi", storageClass: "fast" },
    ]);
  });

  it("a service without volumes has none", () => {
    const r = project("image: redis:7\n");
    expect(r.errors).toEqual([]);
    expect(r.value!.services[0]!.volumes).toEqual([]);
  });

  it("refuse a relative mountPath, a bad name and a bad size, saying where", () => {
    const r = project("image: postgres:16\nvolumes:\n  - { name: Data_1, mountPath: data, size: lots }\n");
    const text = messages(r).join("\n");
    expect(text).toMatch(/volumes\[0\]\.name: a volume name must be a lowercase DNS label/);
    expect(text).toMatch(/volumes\[0\]\.mountPath: the container path must be absolute/);
    expect(text).toMatch(/volumes\[0\]\.size: expected a storage size/);
    expect(r.errors.every((e) => e.file === "services/db/service.yaml" && e.line === 3)).toBe(true);
  });

  it("refuse two volumes with one name or one path", () => {
    const sameName = project("image: postgres:16\nvolumes:\n  - { name: data, mountPath: /a }\n  - { name: data, mountPath: /b }\n");
    expect(messages(sameName)).toEqual([expect.stringMatching(/volumes\[1\]\.name: volume name "data" is also used by volumes\[0\]/)]);
    const samePath = project("image: postgres:16\nvolumes:\n  - { name: a, mountPath: /data }\n  - { name: b, mountPath: /data/ }\n");
    expect(messages(samePath)).toEqual([expect.stringMatching(/volumes\[1\]\.mountPath: \/data is also the mountPath of volumes\[0\] \(a\)/)]);
  });

  it("warn when several replicas would share a volume", () => {
    const r = project("image: postgres:16\nreplicas: 2\nvolumes: [{ name: data, mountPath: /data }]\n");
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/2 replicas share each volume/)]);
    expect(project("image: postgres:16\nvolumes: [{ name: data, mountPath: /data }]\n").warnings).toEqual([]);
  });
});
