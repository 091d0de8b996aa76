// cluster.controlPlanes as the spec resolves it: default 1, 3 accepted, an environment's overlay
// replacing it. The refused counts (2, 5) are in the invalid-control-planes fixture (fixtures.test.ts).
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "./diagnostics.ts";
import { validateFiles } from "./validate.ts";

const service = "image: example/api:1\n";

describe("cluster.controlPlanes", () => {
  it("is 1 unless given", () => {
    const r = validateFiles({ "dev.yaml": "name: shop\n", "services/api/service.yaml": service });
    expect(r.errors).toEqual([]);
    expect(r.value?.cluster.controlPlanes).toBe(1);
  });

  it("takes 3, and an environment's own count", () => {
    const dev = "name: shop\ncluster:\n  controlPlanes: 3\n  workers: 2\nenvironments:\n  small:\n    cluster: { controlPlanes: 1 }\n";
    const ha = validateFiles({ "dev.yaml": dev, "services/api/service.yaml": service });
    expect(ha.errors).toEqual([]);
    expect(ha.value?.cluster).toMatchObject({ controlPlanes: 3, workers: 2 });
    const small = validateFiles({ "dev.yaml": dev, "services/api/service.yaml": service }, { environment: "small" });
    expect(small.errors).toEqual([]);
    expect(small.value?.cluster).toMatchObject({ controlPlanes: 1, workers: 2 });
  });

  it("refuses 0 and a fraction at the line, saying what to use", () => {
    for (const [value, got] of [["0", "a number (0)"], ["1.5", "a number (1.5)"]] as const) {
      const r = validateFiles({ "dev.yaml": `name: shop\ncluster:\n  controlPlanes: ${value}\n`, "services/api/service.yaml": service });
      expect(r.errors.map(formatDiagnostic)).toEqual([expect.stringMatching(new RegExp(`^dev\\.yaml:3:18: error: cluster\\.controlPlanes: must be 1 or 3: etcd .*, got ${got.replace(/[().]/g, "\\$&")}$`))]);
    }
  });
});
