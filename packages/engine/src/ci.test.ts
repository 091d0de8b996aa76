// runTests against a fake of the other side (the Job runner); the real one runs in test/e2e/ci.
import type { KubeObject } from "@devup/manifests";
import { memoryFs, validateProject, type ResolvedProject } from "@devup/project";
import { describe, expect, it } from "vitest";
import { runTests, servicesWithTests, summaryTable, type TestEvent, type TestsPort } from "./ci.ts";

function project(): ResolvedProject {
  const files: Record<string, string> = {
    "dev.yaml": "name: shop\n",
    "services/db/service.yaml": "image: example/db:1\nports:\n  - port: 5432\n",
    "services/api/service.yaml": "image: example/api:1\nenv:\n  MODE: { config: mode }\nconfig:\n  values: { mode: test }\ntest:\n  command: [npm, test]\n",
    "services/web/service.yaml": "image: example/web:1\ntest:\n  command: [sh, -c, 'exit 3']\n",
  };
  const paths = Object.keys(files).filter((f) => f.endsWith("service.yaml")).sort();
  const result = validateProject({ root: "/p", devFile: { path: "dev.yaml", text: files["dev.yaml"]! }, serviceFiles: paths.map((path) => ({ path, text: files[path]! })) }, memoryFs(files));
  expect(result.errors).toEqual([]);
  return result.value!;
}

describe("runTests", () => {
  it("runs one Job per service with a test command, with the running image, and reports each result", async () => {
    const jobs: KubeObject[] = [];
    const port: TestsPort = {
      run(job, on) {
        jobs.push(job);
        const command = (job as unknown as { spec: { template: { spec: { containers: Array<{ command: string[] }> } } } }).spec.template.spec.containers[0]!.command;
        on.line(`running ${command.join(" ")}`);
        const ok = command[0] === "npm";
        return Promise.resolve({ succeeded: ok, durationMs: 1200, reason: ok ? undefined : "the test command exited with code 3", tail: [`running ${command.join(" ")}`] });
      },
    };
    const events: TestEvent[] = [];
    const p = project();
    expect(servicesWithTests(p)).toEqual(["api", "web"]);
    const results = await runTests(p, port, { images: { api: "registry/api:abc" }, runId: "r1", timeoutSeconds: 60, onEvent: (e) => events.push(e) });
    expect(jobs.map((j) => [j.metadata.name, (j as unknown as { spec: { template: { spec: { containers: Array<{ image: string }> } } } }).spec.template.spec.containers[0]!.image])).toEqual([
      ["api-test-r1", "registry/api:abc"],
      ["web-test-r1", "example/web:1"],
    ]);
    expect(results.map((r) => [r.service, r.passed, r.reason])).toEqual([
      ["api", true, undefined],
      ["web", false, "the test command exited with code 3"],
    ]);
    expect(events.filter((e) => e.service === "web").map((e) => e.type)).toEqual(["test-start", "test-line", "test-result"]);
    expect(summaryTable(results).split("\n")).toEqual([
      "service  result  duration",
      "api      passed  1.2 s",
      "web      FAILED  1.2 s     the test command exited with code 3",
    ]);
  });

  it("counts a Job that could not be run as a failure", async () => {
    const port: TestsPort = { run: () => Promise.reject(new Error("forbidden")) };
    const results = await runTests(project(), port, { images: {}, runId: "r2", timeoutSeconds: 60, onEvent: () => undefined });
    expect(results.every((r) => !r.passed && r.reason === "could not run the Job: forbidden")).toBe(true);
  });
});
