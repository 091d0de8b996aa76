/**
 * @devup/files: local files devup sends somewhere — the one inside-the-folder check, and tar
 * archives that never follow a link (the build context for Docker, live-sync for pods and
 * run-local containers). Used by docker, kube and the CLI; depends on neither.
 */
export { isInside } from "./inside.ts";
export { packFiles, type MemoryEntry } from "./context-tar.ts";
export { syncArchive, type SyncEntry } from "./sync-tar.ts";
