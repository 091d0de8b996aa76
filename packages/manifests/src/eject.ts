/**
 * `dev eject SERVICE`: a generated service's objects as plain YAML the team owns from then on. The
 * files hold what devup adds at apply time no more (project labels, the namespace, the content tag:
 * containers name the image by the service's name, which injection replaces), and never the Secret
 * (it stays generated from `secrets:`), so rendering them back gives the same objects.
 */
import type { ResolvedProject } from "@devup/project";
import { projectLabels } from "./labels.ts";
import { buildObjects, kindOrder, type ImageRefs } from "./objects.ts";
import { emitYaml } from "./emit-yaml.ts";
import { LABELS, type KubeObject } from "./types.ts";

export interface EjectedFile {
  /** File name in the service's folder for its YAML, e.g. `40-deployment-users.yaml`. */
  name: string;
  content: string;
}

const POD_SPECS: Readonly<Record<string, readonly string[]>> = { Deployment: ["spec", "template", "spec"] };

export function ejectObjects(project: ResolvedProject, service: string, images: ImageRefs): EjectedFile[] {
  const s = project.services.find((x) => x.name === service);
  if (!s || s.manifests) return [];
  const built = s.build ? images[service] : undefined;
  const drop = new Set(Object.keys(projectLabels(project)));
  const objects = buildObjects(project, images).filter((o) => o.metadata.labels?.[LABELS.name] === service && o.kind !== "Namespace" && o.kind !== "Secret");
  return objects.map((original) => {
    const o = structuredClone<KubeObject>(original);
    const { namespace: _ns, ...metadata } = o.metadata;
    o.metadata = { ...metadata, labels: Object.fromEntries(Object.entries(o.metadata.labels ?? {}).filter(([k]) => !drop.has(k))) };
    const path = POD_SPECS[o.kind];
    if (path && built) {
      let pod: unknown = o;
      for (const k of path) pod = (pod as Record<string, unknown> | undefined)?.[k];
      for (const list of ["containers", "initContainers"]) {
        for (const c of ((pod as Record<string, unknown> | undefined)?.[list] ?? []) as Array<{ image?: string }>) if (c.image === built) c.image = service;
      }
    }
    return {
      name: `${String(kindOrder(o.kind)).padStart(2, "0")}-${o.kind.toLowerCase()}-${o.metadata.name}.yaml`,
      content: `# Written by dev eject from ${s.specFile}: yours to edit. When devup applies it, it puts the built image\n# in place of "${service}", adds its labels and sets the namespace.\n${emitYaml(o)}`,
    };
  });
}
