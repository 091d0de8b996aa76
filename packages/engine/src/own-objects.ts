/**
 * Services with `manifests:`: their objects are the user's own, rendered through the manifests port
 * (helm template, kubectl kustomize, the YAML files) and injected (the built image, devup's labels:
 * @devup/manifests injectObjects). Kept apart from the generated path so it can join the planner's
 * one objectsForService function: `ownObjects` is the branch for a service with manifests.
 */
import { DevupError, toErrorReport } from "@devup/errors";
import { buildObjects, injectObjects, LABELS, userObjectOrder, type ImageRefs, type KubeObject } from "@devup/manifests";
import type { ResolvedProject, ResolvedService } from "@devup/project";
import type { ManifestsPort, Ports } from "./ports.ts";
import { recordDeploy } from "./steps.ts";
import type { Store } from "./store.ts";

/** The objects of one service with manifests, injected and in apply order; throws a DevupError saying what is wrong and where. */
export async function ownObjects(project: ResolvedProject, port: ManifestsPort | undefined, service: ResolvedService, image: string | undefined, signal?: AbortSignal): Promise<KubeObject[]> {
  const m = service.manifests;
  if (!m) return [];
  if (!port) throw new DevupError("internal", `${service.name} has manifests:, but nothing here can render them`);
  const rendered = await port.render(project, service, signal);
  const { objects, errors } = injectObjects(project, service, rendered, image);
  if (errors.length) throw new DevupError("renderFailed", `${m.at}: ${errors.join("; ")}`, { hint: `fix manifests: in ${service.specFile}, or the objects it names` });
  return userObjectOrder(objects);
}

/** The devup service an object belongs to: the own-manifests label first (a chart may set app.kubernetes.io/name itself). */
export function serviceOf(o: KubeObject): string | undefined {
  return o.metadata.labels?.[LABELS.service] ?? o.metadata.labels?.[LABELS.name];
}

/**
 * The own objects of every manifests service not in `skip`. `failed`: the services whose objects could
 * not be made (with why); while there are any, the project's desired set is incomplete: no pruning.
 */
export async function ownObjectsOf(project: ResolvedProject, port: ManifestsPort | undefined, images: ImageRefs, skip: ReadonlySet<string> = new Set()): Promise<{ objects: KubeObject[]; failed: Map<string, unknown> }> {
  const objects: KubeObject[] = [];
  const failed = new Map<string, unknown>();
  for (const s of project.services.filter((x) => x.manifests && !skip.has(x.name))) {
    try {
      objects.push(...(await ownObjects(project, port, s, s.build ? images[s.name] : undefined)));
    } catch (error) {
      failed.set(s.name, error);
    }
  }
  return { objects, failed };
}

/** Every object the project wants (generated and own), or undefined when a manifests service's could not be made. */
export async function desiredObjects(project: ResolvedProject, ports: Ports, images: ImageRefs): Promise<KubeObject[] | undefined> {
  const own = await ownObjectsOf(project, ports.manifests, images);
  return own.failed.size ? undefined : [...buildObjects(project, images), ...own.objects];
}

/**
 * Apply a manifests service's objects — CRDs first, waited for until Established, so their custom
 * resources are known — and wait until its workloads and objects with a Ready condition are ready;
 * the deploy is recorded in the service's history either way.
 */
export async function applyAndWaitOwn(ports: Ports, store: Store, namespace: string, service: string, objects: readonly KubeObject[], now: () => number, signal?: AbortSignal): Promise<void> {
  const kube = ports.kube;
  if (!kube.waitObjects) throw new DevupError("internal", `${service}: the Kubernetes port cannot wait for a manifests service's objects`);
  const progress = (summary: string) => store.dispatch({ type: "log", level: "info", message: `[${service}] waiting: ${summary}` });
  const wait = (list: readonly KubeObject[], onProgress: (summary: string) => void, stop?: AbortSignal) => kube.waitObjects!(list, onProgress, stop);
  store.dispatch({ type: "phase", service, phase: "applying" });
  const crds = objects.filter((o) => o.kind === "CustomResourceDefinition");
  if (crds.length) {
    await ports.kube.apply(crds);
    await wait(crds, progress, signal);
  }
  await ports.kube.apply(objects.filter((o) => o.kind !== "CustomResourceDefinition"));
  store.dispatch({ type: "applied", service, objects: objects.length });
  store.dispatch({ type: "phase", service, phase: "starting" });
  try {
    await wait(objects, progress, signal);
  } catch (error) {
    if (signal?.aborted) throw error;
    await recordDeploy(ports, store, namespace, service, objects, "failed", now, toErrorReport(error).message);
    throw error;
  }
  store.dispatch({ type: "ready", service, at: now() });
  await recordDeploy(ports, store, namespace, service, objects, "ready", now);
}
