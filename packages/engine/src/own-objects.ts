/**
 * Services with `manifests:`: their objects are the user's own, rendered through the manifests port
 * (helm template, kubectl kustomize, the YAML files: I/O, done by the executor) and injected (the
 * built image, devup's labels: @devup/manifests injectObjects, pure, done by plan/objects.ts
 * objectsForService). Applying them (CRDs first, readiness by status) is steps.ts applyAndWait's.
 */
import { DevupError } from "@devup/errors";
import { injectObjects, userObjectOrder, type KubeObject } from "@devup/manifests";
import type { ResolvedProject, ResolvedService } from "@devup/project";
import type { ManifestsPort } from "./ports.ts";

/** Rendered objects of manifests services (as their YAML, kustomization or chart give them, nothing injected), by service. */
export type Rendered = Readonly<Record<string, readonly KubeObject[]>>;

/** The objects of one service with manifests, injected and in apply order; throws a DevupError saying what is wrong and where. */
export function injectOwn(project: ResolvedProject, service: ResolvedService, rendered: readonly KubeObject[], image: string | undefined): KubeObject[] {
  const m = service.manifests;
  if (!m) return [];
  const { objects, errors } = injectObjects(project, service, rendered, image);
  if (errors.length) throw new DevupError("renderFailed", `${m.at}: ${errors.join("; ")}`, { hint: `fix manifests: in ${service.specFile}, or the objects it names` });
  return userObjectOrder(objects);
}

/**
 * Renders `services` (those with manifests:) through the port. `failed`: the services whose objects
 * could not be rendered, with why (a DevupError naming the spec line).
 */
export async function renderOwn(
  project: ResolvedProject,
  port: ManifestsPort | undefined,
  services: readonly ResolvedService[],
  signal?: AbortSignal,
): Promise<{ rendered: Record<string, KubeObject[]>; failed: Map<string, unknown> }> {
  const rendered: Record<string, KubeObject[]> = {};
  const failed = new Map<string, unknown>();
  for (const s of services.filter((x) => x.manifests)) {
    try {
      if (!port) throw new DevupError("internal", `${s.name} has manifests:, but nothing here can render them`);
      rendered[s.name] = await port.render(project, s, signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      failed.set(s.name, error);
    }
  }
  return { rendered, failed };
}

