// The offline cluster harness end to end: its own kind cluster from the offline node image, node and
// CoreDNS Ready, kind load, a Deployment, DNS between pods, a port-forward, a pull from the local
// registry; the cluster is deleted at the end. smoke.sh prints each check.
import { join } from "node:path";
import { execa } from "execa";
import { expect, it } from "vitest";
import { offlineTools, repoRoot } from "../harness.ts";

it("a kind cluster from the offline node image runs real workloads", async () => {
  offlineTools();
  const result = await execa("bash", [join(repoRoot, "test/e2e/offline-cluster/smoke.sh")], { reject: false, all: true, timeout: 15 * 60_000 });
  const summary = result.all.split("\n").filter((l) => /passed|FAIL|failed/.test(l));
  expect(result.exitCode, [...summary, ...result.all.split("\n").slice(-40)].join("\n")).toBe(0);
  expect(summary.join("\n")).toMatch(/\d+ passed, 0 failed/);
});
