/**
 * run-local's named volumes: created with devup's labels before the containers that mount them,
 * kept when the containers go (Ctrl-C, `dev down`), removed only by `dev down --volumes`.
 */
import type Docker from "dockerode";
import { dockerError } from "../engine.ts";
import { localLabels, type ContainerPlan, type LocalProject } from "./plan.ts";

const filter = (project: LocalProject): string[] => Object.entries(localLabels(project)).map(([k, v]) => `${k}=${v}`);

/** Creates the plans' volumes that do not exist yet (an existing one, and its data, is reused). */
export async function ensureLocalVolumes(docker: Docker, plans: readonly ContainerPlan[]): Promise<void> {
  for (const v of plans.flatMap((p) => p.volumes)) {
    try {
      await docker.getVolume(v.name).inspect();
    } catch (error) {
      if ((error as { statusCode?: unknown }).statusCode !== 404) throw dockerError(`could not read the volume ${v.name}`, error);
      try {
        await docker.createVolume({ Name: v.name, Labels: v.labels });
      } catch (cause) {
        throw dockerError(`could not create the volume ${v.name}`, cause);
      }
    }
  }
}

/** The names of this project and environment's run-local volumes, sorted. */
export async function listLocalVolumes(docker: Docker, project: LocalProject): Promise<string[]> {
  try {
    const { Volumes } = await docker.listVolumes({ filters: { label: filter(project) } });
    return (Volumes ?? []).map((v) => v.Name).sort();
  } catch (cause) {
    throw dockerError(`could not list the run-local volumes of ${project.name}`, cause);
  }
}

/** Removes this project and environment's run-local volumes (with their data); returns their names. */
export async function removeLocalVolumes(docker: Docker, project: LocalProject): Promise<string[]> {
  const names = await listLocalVolumes(docker, project);
  for (const name of names) {
    try {
      await docker.getVolume(name).remove();
    } catch (cause) {
      if ((cause as { statusCode?: unknown }).statusCode !== 404) throw dockerError(`could not remove the volume ${name} (a container still using it? stop dev run-local first)`, cause);
    }
  }
  return names;
}
