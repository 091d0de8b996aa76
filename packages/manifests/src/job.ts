/**
 * The Job that `dev ci` runs for a service's `test.command`: the service's image, env, config and
 * secret mounts and resources, but its own pod labels, so the Service never routes traffic to it.
 */
import type { ResolvedProject, ResolvedService } from "@devup/project";
import { projectLabels } from "./labels.ts";
import { ANNOTATIONS, LABELS, type KubeObject } from "./types.ts";
import { serviceContainer } from "./workload.ts";

/** The label that marks test Jobs and their pods (value: the service under test). */
export const TEST_LABEL = "devup.dev/test-of";

export interface TestJobOptions {
  /** Distinguishes this run's Job from earlier ones (lowercase letters and digits). */
  runId: string;
  /** The Job fails when it runs longer than this. */
  timeoutSeconds: number;
}

/** Job names, and the job-name label Kubernetes puts on its pods, must fit in 63 characters. */
export function testJobName(service: string, runId: string): string {
  const suffix = `-test-${runId}`;
  return `${service.slice(0, 63 - suffix.length).replace(/-+$/, "")}${suffix}`;
}

export function testJob(project: ResolvedProject, service: ResolvedService, image: string, options: TestJobOptions): KubeObject {
  if (!service.test) throw new Error(`service ${service.name} has no test command`);
  const name = testJobName(service.name, options.runId);
  const { container, volumes } = serviceContainer(service, image);
  const { args: _args, ports: _ports, ...rest } = container;
  const labels = { ...projectLabels(project), [LABELS.name]: `${service.name}-test`, [TEST_LABEL]: service.name };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, namespace: project.namespace, labels, annotations: { [ANNOTATIONS.specFile]: service.specFile } },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: options.timeoutSeconds,
      ttlSecondsAfterFinished: 3600,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          terminationGracePeriodSeconds: 5,
          containers: [{ ...rest, name: "test", command: service.test.command }],
          ...(volumes.length ? { volumes } : {}),
        },
      },
    },
  };
}
