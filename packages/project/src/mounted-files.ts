/**
 * Config and secret files: `files` keys are a file name (mounted under the mountPath) or an absolute
 * path (mounted on its own there, beside the image's other files in that folder).
 */

/** Where the file with this key is mounted in the container. */
export function mountedFilePath(mountPath: string, key: string): string {
  return key.startsWith("/") ? key : `${mountPath.replace(/\/+$/, "")}/${key}`;
}

/** The key of a file in its ConfigMap or Secret (keys allow only letters, digits, "-", "_" and "."). */
export function objectKey(key: string): string {
  if (!key.startsWith("/")) return key;
  return key.slice(1).replace(/\//g, "_").replace(/[^-._a-zA-Z0-9]/g, "-");
}
