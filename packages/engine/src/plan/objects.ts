/**
 * The one place a service's objects are made: every deploy (dev up, an update, a re-plan, promote,
 * dev render) goes through `objectsForService`. A service's objects come from the spec
 * (@devup/manifests), or, for a service with `manifests:`, from its own YAML, kustomization or Helm
 * chart as rendered (by the executor: I/O) with its image and devup's labels injected (../own-objects.ts).
 */
import { ANNOTATIONS, namespaceObject, otherSlot, serviceObjects, sortObjects, type ImageRefs, type KubeObject, type Slot } from "@devup/manifests";
import type { ResolvedProject, ResolvedService } from "@devup/project";
import { injectOwn, type Rendered } from "../own-objects.ts";
import { wrapForRestart } from "../restart-wrapper.ts";

/**
 * A service's objects running `image`, in apply order; `restart`: the real command the restart loop
 * wraps; `rendered`: a manifests service's own objects as rendered (required for one). Throws a
 * DevupError when a manifests service's objects do not refer to its built image.
 */
export function objectsForService(
  project: ResolvedProject,
  service: ResolvedService,
  image: string | undefined,
  restart?: readonly string[],
  rendered?: readonly KubeObject[],
  live?: { slot: Slot; template?: string | undefined },
): KubeObject[] {
  if (service.manifests) {
    if (!rendered) throw new Error(`the objects of ${service.name} (manifests:) are not rendered`);
    // Its generated part is only its Secret (secrets:); the rest is the user's own, CRDs and cluster-scoped objects first.
    return [...serviceObjects(project, service, image ?? "devup.invalid/unused"), ...injectOwn(project, service, rendered, service.build ? image : undefined)];
  }
  if (!image) throw new Error(`no image reference for service ${service.name}`);
  if (service.rollout.strategy === "rolling" || !live) return wrapForRestart(serviceObjects(project, service, image, { slot: live?.slot }), restart);
  // blueGreen and canary: a new release goes to the idle slot; the release the live slot runs already stays there (no switch).
  const inLive = wrapForRestart(serviceObjects(project, service, image, { slot: live.slot }), restart);
  const template = inLive.find((o) => o.kind === "Deployment")?.metadata.annotations?.[ANNOTATIONS.template];
  return template !== undefined && template === live.template ? inLive : wrapForRestart(serviceObjects(project, service, image, { slot: otherSlot(live.slot) }), restart);
}

/** Every object of the project, each service running its image reference (`dev render`), in apply order. */
export function projectObjects(project: ResolvedProject, images: ImageRefs, rendered: Rendered = {}): KubeObject[] {
  const generated: KubeObject[] = [namespaceObject(project)];
  const own: KubeObject[] = [];
  for (const s of project.services) {
    const image = images[s.name] ?? s.image;
    const objects = objectsForService(project, s, image, undefined, rendered[s.name]);
    // A manifests service's generated part (its Secret) is ordered with the generated objects; its own keep their order (CRDs first).
    const split = s.manifests ? serviceObjects(project, s, image ?? "devup.invalid/unused").length : objects.length;
    generated.push(...objects.slice(0, split));
    own.push(...objects.slice(split));
  }
  return [...sortObjects(generated), ...own];
}
