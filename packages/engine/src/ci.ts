/**
 * `dev ci` after the services are up: each service's `test.command` as a Job with the service's
 * image, env and config, all at once; their log lines and results reported as they come.
 */
import { testJob, type KubeObject } from "@devup/manifests";
import type { ResolvedProject } from "@devup/project";
import { errorMessage } from "@devup/errors";

export interface TestOutcome {
  succeeded: boolean;
  durationMs: number;
  reason?: string | undefined;
  tail: string[];
}

/** Runs one Job to its end (the CLI wires it to the Kubernetes API). */
export interface TestsPort {
  run(job: KubeObject, on: { line: (text: string) => void; waiting: (reason: string) => void }): Promise<TestOutcome>;
}

export type TestEvent =
  | { type: "test-start"; service: string; job: string }
  | { type: "test-line"; service: string; line: string }
  | { type: "test-waiting"; service: string; reason: string }
  | { type: "test-result"; service: string; passed: boolean; durationMs: number; reason?: string | undefined };

export interface TestResult {
  service: string;
  passed: boolean;
  durationMs: number;
  reason?: string | undefined;
  /** The last lines the test printed. */
  tail: string[];
}

export interface RunTestsOptions {
  /** Image reference per service (what the cluster runs now). */
  images: Readonly<Record<string, string>>;
  runId: string;
  timeoutSeconds: number;
  onEvent: (event: TestEvent) => void;
}

/** The services that have a test command, in name order. */
export function servicesWithTests(project: ResolvedProject): string[] {
  return project.services.filter((s) => s.test).map((s) => s.name);
}

export async function runTests(project: ResolvedProject, port: TestsPort, options: RunTestsOptions): Promise<TestResult[]> {
  const tested = project.services.filter((s) => s.test);
  return Promise.all(
    tested.map(async (s): Promise<TestResult> => {
      const image = options.images[s.name] ?? s.image;
      if (!image) return { service: s.name, passed: false, durationMs: 0, reason: "no image to run the test with", tail: [] };
      const job = testJob(project, s, image, { runId: options.runId, timeoutSeconds: options.timeoutSeconds });
      options.onEvent({ type: "test-start", service: s.name, job: job.metadata.name });
      let outcome: TestOutcome;
      try {
        outcome = await port.run(job, {
          line: (line) => options.onEvent({ type: "test-line", service: s.name, line }),
          waiting: (reason) => options.onEvent({ type: "test-waiting", service: s.name, reason }),
        });
      } catch (error) {
        outcome = { succeeded: false, durationMs: 0, reason: `could not run the Job: ${errorMessage(error)}`, tail: [] };
      }
      options.onEvent({ type: "test-result", service: s.name, passed: outcome.succeeded, durationMs: outcome.durationMs, reason: outcome.reason });
      return { service: s.name, passed: outcome.succeeded, durationMs: outcome.durationMs, reason: outcome.reason, tail: outcome.tail };
    }),
  );
}

/** The summary table: one row per tested service. */
export function summaryTable(results: readonly TestResult[]): string {
  const rows = [["service", "result", "duration", ""], ...results.map((r) => [r.service, r.passed ? "passed" : "FAILED", `${(r.durationMs / 1000).toFixed(1)} s`, r.reason ?? ""])];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join("  ").trimEnd()).join("\n");
}
