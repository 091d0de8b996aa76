// The one selector: it must select exactly the objects and pods devup builds for that project,
// environment and service, and nothing of another environment or service.
import { validateFiles, type ResolvedProject } from "@devup/project";
import { describe, expect, it } from "vitest";
import { projectSelector } from "./labels.ts";
import { buildObjects } from "./objects.ts";
import type { KubeObject } from "./types.ts";

function project(environment?: string): ResolvedProject {
  const result = validateFiles(
    {
      "dev.yaml": "name: shop\nenvironments:\n  qa: {}\n",
      "services/api/service.yaml": "image: example/api:1\nports:\n  - port: 8080\n",
      "services/web/service.yaml": "image: example/web:1\nports:\n  - port: 3000\n",
    },
    environment ? { environment } : {},
  );
  expect(result.errors).toEqual([]);
  return result.value!;
}

const matches = (labels: Record<string, string> | undefined, selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels?.[k] === v);
const podLabels = (o: KubeObject) => (o.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
const deployments = (p: ResolvedProject) => buildObjects(p, { api: "example/api:1", web: "example/web:1" }).filter((o) => o.kind === "Deployment");

describe("projectSelector", () => {
  it("selects every object devup applies for the project and environment, and a service's pods", () => {
    const local = project();
    for (const o of buildObjects(local, { api: "example/api:1", web: "example/web:1" })) expect(matches(o.metadata.labels, projectSelector(local, { managed: true })), `${o.kind}/${o.metadata.name}`).toBe(true);
    const [api, web] = deployments(local);
    expect(matches(podLabels(api!), projectSelector(local, { service: "api" }))).toBe(true);
    expect(matches(podLabels(web!), projectSelector(local, { service: "api" }))).toBe(false);
  });

  it("selects nothing of another environment", () => {
    const qa = projectSelector(project("qa"), { managed: true });
    expect(qa).toMatchObject({ "devup.dev/environment": "qa" });
    for (const d of deployments(project())) expect(matches(d.metadata.labels, qa)).toBe(false);
  });
});
