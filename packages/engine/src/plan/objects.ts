/**
 * The one place a service's objects are made: every deploy (dev up, an update, a re-plan, promote)
 * goes through `objectsForService`. Today the objects come from the spec (@devup/manifests); a
 * service whose objects come from elsewhere (its own YAML, kustomize, Helm) plugs in here.
 */
import { namespaceObject, serviceObjects, sortObjects, type ImageRefs, type KubeObject } from "@devup/manifests";
import type { ResolvedProject, ResolvedService } from "@devup/project";
import { wrapForRestart } from "../restart-wrapper.ts";

/** A service's objects running `image`, in apply order; `restart`: the real command the restart loop wraps. */
export function objectsForService(project: ResolvedProject, service: ResolvedService, image: string, restart?: readonly string[]): KubeObject[] {
  return wrapForRestart(serviceObjects(project, service, image), restart);
}

/** Every object of the project, each service running its image reference (`dev render`), in apply order. */
export function projectObjects(project: ResolvedProject, images: ImageRefs): KubeObject[] {
  return sortObjects([
    namespaceObject(project),
    ...project.services.flatMap((s) => {
      const image = images[s.name] ?? s.image;
      if (!image) throw new Error(`no image reference for service ${s.name}`);
      return objectsForService(project, s, image);
    }),
  ]);
}
