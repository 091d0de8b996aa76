import { memoryFs, validateProject, type ResolvedProject } from "@devup/project";
import { Job } from "kubernetes-models/batch/v1/Job";
import { describe, expect, it } from "vitest";
import { buildObjects } from "./objects.ts";
import { testJob, testJobName } from "./job.ts";

function project(): ResolvedProject {
  const files: Record<string, string> = {
    "dev.yaml": "name: shop\n",
    "services/api/service.yaml": [
      "image: example/api:1",
      "ports:",
      "  - port: 8080",
      "env:",
      "  MODE: { config: mode }",
      "  TOKEN: { secret: TOKEN }",
      "config:",
      "  values: { mode: test }",
      "  files: { app.json: app.json }",
      "secrets:",
      "  envFile: secret.env",
      "health:",
      "  http: { path: /health }",
      "test:",
      "  command: [node, test.js, http://api:8080/health]",
      "",
    ].join("\n"),
    "services/api/app.json": "{}",
    "services/api/secret.env": "TOKEN=t\n",
  };
  const result = validateProject({ root: "/p", devFile: { path: "dev.yaml", text: files["dev.yaml"]! }, serviceFiles: [{ path: "services/api/service.yaml", text: files["services/api/service.yaml"]! }] }, memoryFs(files));
  expect(result.errors).toEqual([]);
  return result.value!;
}

type Pod = { metadata: { labels: Record<string, string> }; spec: { restartPolicy: string; containers: Array<Record<string, unknown>>; volumes?: unknown[] } };

describe("testJob", () => {
  it("runs the test command with the service's image, env and mounts, once, with a deadline", () => {
    const p = project();
    const job = testJob(p, p.services[0]!, "registry/api:abc", { runId: "k3x", timeoutSeconds: 120 });
    new Job(job).validate();
    const spec = job.spec as { backoffLimit: number; activeDeadlineSeconds: number; template: Pod };
    expect(job.metadata).toMatchObject({ name: "api-test-k3x", namespace: "shop" });
    expect(spec.backoffLimit).toBe(0);
    expect(spec.activeDeadlineSeconds).toBe(120);
    expect(spec.template.spec.restartPolicy).toBe("Never");
    const c = spec.template.spec.containers[0]!;
    expect(c).toMatchObject({ name: "test", image: "registry/api:abc", command: ["node", "test.js", "http://api:8080/health"] });
    expect(c.env).toEqual([
      { name: "MODE", valueFrom: { configMapKeyRef: { name: "api-config", key: "mode" } } },
      { name: "TOKEN", valueFrom: { secretKeyRef: { name: "api-secrets", key: "TOKEN" } } },
    ]);
    // Each file on its own (subPath), so the rest of /etc/api in the image stays visible.
    expect(c.volumeMounts).toEqual([{ name: "config", mountPath: "/etc/api/app.json", subPath: "app.json", readOnly: true }]);
    expect(c.readinessProbe).toBeUndefined();
    expect(c.ports).toBeUndefined();
  });

  it("gives its pods labels the Service does not select (no traffic goes to a test)", () => {
    const p = project();
    const job = testJob(p, p.services[0]!, "registry/api:abc", { runId: "k3x", timeoutSeconds: 120 });
    const service = buildObjects(p, { api: "registry/api:abc" }).find((o) => o.kind === "Service") as unknown as { spec: { selector: Record<string, string> } };
    const labels = (job.spec as { template: Pod }).template.metadata.labels;
    expect(Object.entries(service.spec.selector).every(([k, v]) => labels[k] === v)).toBe(false);
    expect(labels["devup.dev/project"]).toBe("shop");
  });

  it("keeps names within 63 characters", () => {
    expect(testJobName("a".repeat(80), "k3x")).toHaveLength(63);
    expect(testJobName("users", "k3x")).toBe("users-test-k3x");
  });
});
