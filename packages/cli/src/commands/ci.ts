/**
 * `dev ci`: deploy without forwards or watching, wait until ready, run each service's test command
 * as a Job in the cluster, print a summary, and remove what it deployed unless `--keep`.
 */
import { DevupError, errorMessage } from "@devup/errors";
import { runTests, servicesWithTests, summaryTable, up, type TestEvent } from "@devup/engine";
import { runJob } from "@devup/kube";
import { secondsOption, type CommandContext } from "../context.ts";
import { attachPrinter } from "../printer.ts";
import { loadValidProject } from "../project.ts";
import { startSession } from "../session.ts";
import { removeWorkloads } from "../teardown.ts";

function describeEvent(e: TestEvent): string {
  switch (e.type) {
    case "test-start":
      return `[${e.service} test] started (Job ${e.job})`;
    case "test-line":
      return `[${e.service} test] ${e.line}`;
    case "test-waiting":
      return `[${e.service} test] waiting: ${e.reason}`;
    case "test-result":
      return `[${e.service} test] ${e.passed ? "passed" : `FAILED: ${e.reason ?? ""}`} in ${(e.durationMs / 1000).toFixed(1)} s`;
  }
}

export default async function ci(ctx: CommandContext): Promise<void> {
  const project = loadValidProject(ctx);
  const testTimeout = secondsOption(ctx, "test-timeout", 600);
  const keep = ctx.options.keep === true;
  const { connection, store } = await startSession(ctx, project);
  attachPrinter(store, ctx.out);
  const started = Date.now();
  const step = (name: string, message: string) => ctx.out.info({ type: "ci.step", step: name, message });

  step("up", `ci: deploying ${project.services.length} services to namespace ${project.namespace} (no forwards, no watching)`);
  try {
    const result = await up(project, connection.ports, store, { forward: false, trigger: ["dev ci"] });
    if (result.failed.length) {
      throw new DevupError("rollout", `ci: ${result.failed.length} of ${project.services.length} services did not become ready: ${result.failed.join(", ")}; no tests were run`, {
        details: result.failed.map((s) => `${s}: ${store.state.services[s]?.error?.message ?? "not ready"}`),
        hint: "the reasons are above; `dev ci --keep` leaves the namespace for a look (dev status, dev logs)",
      });
    }
    const tested = servicesWithTests(project);
    step("tests", tested.length ? `ci: all services ready; running the tests of ${tested.join(", ")} as Jobs` : "ci: all services ready; no service has a test command (test.command in its service.yaml)");
    const images = Object.fromEntries(project.services.flatMap((s) => (store.state.services[s.name]?.image ? [[s.name, store.state.services[s.name]!.image!]] : [])));
    const kube = connection.kube();
    const results = await runTests(project, { run: (job, on) => runJob(kube, { job, timeoutMs: (testTimeout + 30) * 1000, onLine: on.line, onWaiting: on.waiting }) }, {
      images,
      runId: Date.now().toString(36),
      timeoutSeconds: testTimeout,
      onEvent: (e) => ctx.out.info({ ...e, type: `ci.${e.type}`, message: describeEvent(e) }),
    });
    const failed = results.filter((r) => !r.passed);
    ctx.out.result({
      type: "ci.summary",
      results: results.map(({ tail: _tail, ...r }) => r),
      durationMs: Date.now() - started,
      message: results.length ? `${summaryTable(results)}\n${results.length - failed.length}/${results.length} tests passed in ${((Date.now() - started) / 1000).toFixed(1)} s` : "no tests to run",
    });
    if (failed.length) {
      throw new DevupError("testFailed", `ci: the tests of ${failed.map((f) => f.service).join(", ")} failed`, {
        details: failed.flatMap((f) => [`${f.service}: ${f.reason ?? "failed"}`, ...f.tail.slice(-10).map((l) => `  [${f.service} test] ${l}`)]),
        hint: `the test commands are test.command in ${failed.map((f) => project.services.find((s) => s.name === f.service)?.specFile ?? f.service).join(", ")}; \`dev ci --keep\` leaves the services running for a closer look`,
      });
    }
  } finally {
    if (store.state.cluster.status !== "ready") {
      // Nothing was deployed.
    } else if (keep) {
      step("keep", `ci: --keep: the workloads stay in namespace ${project.namespace} on cluster ${project.cluster.name} (dev down removes them)`);
    } else {
      try {
        // A CI run leaves nothing behind, its volumes included. Waits until the namespace is gone, so that the next run (CI runs back to back) can create it again.
        const { removed, namespaceRemoved } = await removeWorkloads(connection.kube(), project, { waitMs: 120_000, volumes: true });
        step("down", `ci: removed ${removed.length} objects${namespaceRemoved ? ` and the namespace ${project.namespace}` : ""}`);
      } catch (error) {
        step("down", `ci: could not remove what it deployed (${errorMessage(error)}); dev down tries again`);
      }
    }
  }
}
