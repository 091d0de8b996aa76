import { describe, expect, it } from "vitest";
import type { ResolvedService } from "@devup/project";
import { drillFindings, keyLine } from "./expectations.ts";

const spec = "build:\n  context: .\nreplicas: 1\nports:\n  - name: http\n    port: 8080\n";
const service = (over: Partial<ResolvedService>) => ({ name: "users", specFile: "services/users/service.yaml", replicas: 2, health: { http: { path: "/health" } }, ...over }) as unknown as ResolvedService;

describe("drill expectations", () => {
  it("finds a top-level key's line, or names the file when the key is absent", () => {
    expect(keyLine(spec, "services/users/service.yaml", "replicas")).toBe("services/users/service.yaml:3");
    expect(keyLine(spec, "services/users/service.yaml", "health")).toBe("services/users/service.yaml");
    expect(keyLine("  replicas: 3\n", "s.yaml", "replicas")).toBe("s.yaml");
  });

  it("says each unmet expectation with the line to change", () => {
    const findings = drillFindings(service({ replicas: 1, health: undefined }), spec, false);
    expect(findings.map((f) => f.expectation)).toEqual(["replicas", "health", "disruptionBudget"]);
    expect(findings[0]?.message).toContain("Set replicas: 2 (or more) at services/users/service.yaml:3");
    expect(findings[1]?.message).toContain("at services/users/service.yaml");
  });

  it("finds nothing for 2 replicas with a probe and a budget", () => {
    expect(drillFindings(service({}), spec, true)).toEqual([]);
  });
});
