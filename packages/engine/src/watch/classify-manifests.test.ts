import { validateFiles } from "@devup/project";
import { describe, expect, it } from "vitest";
import { classify } from "./classify.ts";

describe("classify: services with manifests", () => {
  const r = validateFiles({
    "dev.yaml": "name: shop\nmanifests:\n  db: { helm: { chart: infra/db, values: [infra/db-dev.yaml] } }\n",
    "infra/db/Chart.yaml": "name: db\n",
    "infra/db-dev.yaml": "",
    "services/api/service.yaml": "build: { context: app }\nmanifests: { kustomize: deploy/overlays/dev }\nsync: [{ from: app/src, to: /app/src, then: none }]\n",
    "services/api/app/Dockerfile": "FROM x\n",
    "services/api/deploy/overlays/dev/kustomization.yaml": "",
  });
  expect(r.errors).toEqual([]);
  const p = r.value!;

  it("an edit of a chart template, a values file or a kustomize base re-renders that service (a rebuild)", () => {
    const c = classify(p, ["infra/db/templates/statefulset.yaml", "infra/db-dev.yaml", "services/api/deploy/base/deployment.yaml"]);
    expect(c.services.get("db")).toEqual({ kind: "rebuild", files: ["infra/db/templates/statefulset.yaml", "infra/db-dev.yaml"] });
    expect(c.services.get("api")).toEqual({ kind: "rebuild", files: ["services/api/deploy/base/deployment.yaml"] });
  });

  it("a synced source file stays a sync, and files elsewhere touch no manifests service", () => {
    expect(classify(p, ["services/api/app/src/a.js"]).services.get("api")?.kind).toBe("sync");
    expect(classify(p, ["infra/other/x.yaml", "README.md"]).services.size).toBe(0);
  });
});
