import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "./diagnostics.ts";
import { loadProject } from "./load.ts";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

describe("the bundled sample project", () => {
  it("validates, with the three services resolved", () => {
    const result = loadProject(repoRoot);
    expect(result.errors.map(formatDiagnostic)).toEqual([]);
    const project = result.value!;
    expect(project.name).toBe("shop");
    expect(project.namespace).toBe("shop");
    expect(project.services.map((s) => s.name)).toEqual(["accounts", "users", "website"]);
    const users = project.services.find((s) => s.name === "users")!;
    expect(users.build).toEqual({ context: "services/users", dockerfile: "services/users/Dockerfile", args: {}, target: undefined });
    expect(users.ingress).toEqual([
      { host: "api.localhost", path: "/v1/users", port: "http" },
      { host: "api.localhost", path: "/v2/users", port: "http" },
    ]);
    expect(users.env.map(([k]) => k)).toEqual(["LOG_FORMAT", "GREETING", "API_TOKEN"]);
    expect(users.sync).toEqual([{ from: "services/users/src", fromInContext: "src", to: "/app/src", then: "restart" }]);
  });

  it("applies the staging overlay", () => {
    const project = loadProject(repoRoot, { environment: "staging" }).value!;
    expect(project.namespace).toBe("shop-staging");
    expect(project.services.map((s) => [s.name, s.replicas])).toEqual([["accounts", 1], ["users", 2], ["website", 3]]);
    expect(project.services[0]!.env.find(([k]) => k === "LOG_LEVEL")).toEqual(["LOG_LEVEL", { value: "info" }]);
  });
});
