/**
 * Rollout failures on a real cluster, explained in words: a crash loop (with its exit code and
 * log lines), an image that cannot be pulled, and a readiness probe that keeps failing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isDevupError } from "@devup/errors";
import type { DevupError } from "@devup/errors";
import { applyObjects, waitForRollout } from "@devup/kube";
import type { Kube } from "@devup/kube";
import { deleteNamespace, deployment, kubeFixture, namespaceName, namespaceObject } from "./fixture.ts";

async function rolloutError(kube: Kube, namespace: string, name: string, timeoutMs: number): Promise<{ error: DevupError; ms: number }> {
  const started = Date.now();
  try {
    await waitForRollout(kube, { namespace, name, timeoutMs });
  } catch (error) {
    if (!isDevupError(error)) throw error;
    return { error, ms: Date.now() - started };
  }
  throw new Error(`the rollout of ${name} succeeded`);
}

describe("rollout diagnosis", () => {
  let kube: Kube;
  let image: string;
  const ns = namespaceName("kube-e2e-diag");

  beforeAll(async () => {
    ({ kube, image } = await kubeFixture());
    await applyObjects(kube, [namespaceObject(ns)]);
  });
  afterAll(async () => {
    if (kube) await deleteNamespace(kube, ns);
  });

  it("diagnoses a crash loop early, with the exit code and the crashed run's log lines", async () => {
    await applyObjects(kube, [deployment(ns, "crasher", image, { command: ["node", "-e", "console.log('boom'); process.exit(3)"] })]);
    const { error, ms } = await rolloutError(kube, ns, "crasher", 120_000);
    console.log(`crash loop diagnosed after ${ms} ms: ${error.message}`);
    expect(error.code).toBe("E_ROLLOUT_FAILED");
    expect(error.message).toMatch(/^crasher: container "app" is crash-looping: it exited with code 3 \(restarted \d+ times?\)/);
    expect(error.details).toContain("boom");
    expect(ms).toBeLessThan(60_000);
  });

  it("does not blame a fixed revision for the old revision's crash-looping pods", async () => {
    await applyObjects(kube, [deployment(ns, "crasher", image)]);
    const { durationMs } = await waitForRollout(kube, { namespace: ns, name: "crasher", timeoutMs: 60_000 });
    console.log(`rollout from a crash-looping revision to a fixed one: ${durationMs} ms`);
  });

  it("diagnoses an image that is not there as an image pull error, within seconds", async () => {
    // imagePullPolicy Never: a wrong name fails without any registry being contacted.
    await applyObjects(kube, [deployment(ns, "typo", image, { image: "devup-e2e-kube-ap:does-not-exist", imagePullPolicy: "Never" })]);
    const { error, ms } = await rolloutError(kube, ns, "typo", 60_000);
    console.log(`image pull error diagnosed after ${ms} ms: ${error.message}`);
    expect(error.code).toBe("E_ROLLOUT_FAILED");
    expect(error.message).toMatch(/^typo: image devup-e2e-kube-ap:does-not-exist could not be pulled: /);
    expect(error.hint).toMatch(/image name and tag/);
    expect(ms).toBeLessThan(30_000);
  });

  it("diagnoses an invalid image reference as an image pull error", async () => {
    await applyObjects(kube, [deployment(ns, "invalid", image, { image: "Not A Valid:Image" })]);
    const { error } = await rolloutError(kube, ns, "invalid", 60_000);
    expect(error.message).toMatch(/^invalid: image Not A Valid:Image could not be pulled: /);
  });

  it("names a failing readiness probe, with the probe's message, when the wait times out", async () => {
    // The app answers 200 on every path, so the probe is pointed at a port nothing listens on.
    await applyObjects(kube, [deployment(ns, "unready", image, { readinessPort: 9999 })]);
    const { error } = await rolloutError(kube, ns, "unready", 12_000);
    console.log(`readiness: ${error.message}`);
    expect(error.code).toBe("E_TIMEOUT");
    expect(error.message).toMatch(/^unready: not ready after 12s: 0\/1 available; readiness probe failing on pod unready-.* Readiness probe failed: .*9999/);
    expect(error.details).toEqual([expect.stringMatching(/^unready-.*: Running, 0\/1 ready$/)]);
  });
});
