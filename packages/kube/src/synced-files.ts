/**
 * The files synced into a service since its image was built, kept in the cluster as a ConfigMap
 * (a tar and the list of deleted paths) that devup's restart wrapper unpacks before it starts the
 * process. A pod that replaces another (a kill, a reschedule, a crash back-off) then starts with the
 * synced code instead of serving the image's old code until the next re-sync. It is removed when a
 * rebuild puts the code into the image, and, carrying the project's labels, pruned by dev up and
 * dev down. Past the ConfigMap size limit nothing is kept (the re-sync still catches up).
 */
import type { KubeObject } from "./types.ts";
import { applyObjects } from "./apply.ts";
import { httpStatus, kubeError } from "./api-error.ts";
import type { Kube } from "./kube.ts";
import { syncArchive, type SyncEntry } from "@devup/files";

/** Where the wrapper finds them in the container. */
export const SYNCED_FILES_DIR = "/var/run/devup-sync";
/** ConfigMaps hold at most 1 MiB; base64 and the rest of the object need room. */
const MAX_TAR_BYTES = 700 * 1024;

const syncedFilesName = (service: string) => `${service}-devup-sync`;

/** Pure: the ConfigMap for these files, or undefined when the archive is too big to keep. */
export function syncedFilesObject(namespace: string, service: string, labels: Readonly<Record<string, string>>, tar: Buffer, deleted: readonly string[]): KubeObject | undefined {
  if (tar.length > MAX_TAR_BYTES) return undefined;
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: syncedFilesName(service), namespace, labels: { ...labels } },
    data: { deleted: deleted.join("\n") },
    binaryData: { "files.tar": tar.toString("base64") },
  };
}

/** Keeps the synced files (an empty list removes them); returns whether they are kept. */
export async function publishSyncedFiles(kube: Kube, namespace: string, service: string, labels: Readonly<Record<string, string>>, files: readonly SyncEntry[]): Promise<boolean> {
  const name = syncedFilesName(service);
  const remove = async () => {
    try {
      await kube.core.deleteNamespacedConfigMap({ name, namespace });
    } catch (error) {
      if (httpStatus(error) !== 404) throw kubeError(`deleting ConfigMap ${namespace}/${name}`, error, kube.server);
    }
  };
  if (!files.length) {
    await remove();
    return false;
  }
  const { tar, deleted } = await syncArchive(files);
  const object = syncedFilesObject(namespace, service, labels, tar, deleted);
  if (!object) {
    await remove(); // an older, smaller set would be wrong now
    return false;
  }
  await applyObjects(kube, [object], { dryRun: false });
  return true;
}
