import type { ResolvedProject } from "@devup/project";
import { LABELS, MANAGED_BY } from "./types.ts";

/** Labels on every object devup creates for a project; `dev down` and pruning select on them. */
export function projectLabels(project: ResolvedProject): Record<string, string> {
  return {
    [LABELS.partOf]: project.name,
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.project]: project.name,
    [LABELS.environment]: project.environment,
  };
}

/** The stable selector of a service's pods (never changes across deploys: selectors are immutable). */
export function selectorLabels(project: ResolvedProject, service: string): Record<string, string> {
  return { [LABELS.name]: service, [LABELS.project]: project.name };
}

export function serviceLabels(project: ResolvedProject, service: string): Record<string, string> {
  return { [LABELS.name]: service, ...projectLabels(project) };
}

/**
 * The one selector for what devup runs for a project in an environment: `managed` limits it to the
 * objects devup applies (not its deploy history, whose managed-by differs); `service` to that
 * service's objects and pods. Every list, prune, log follow and history lookup selects with it.
 */
export function projectSelector(project: ResolvedProject, options: { managed?: boolean; service?: string | undefined } = {}): Record<string, string> {
  return {
    ...(options.managed ? { [LABELS.managedBy]: MANAGED_BY } : {}),
    [LABELS.project]: project.name,
    [LABELS.environment]: project.environment,
    ...(options.service === undefined ? {} : { [LABELS.name]: options.service }),
  };
}
