// The e2e tier's one-time setup and teardown: the offline tools before the first test file, and the
// shared kind cluster deleted after the last (DEVUP_KEEP_CLUSTER=1 keeps it for debugging).
import { deleteE2ECluster, offlineTools } from "./harness.ts";

export function setup(): void {
  offlineTools();
}

export function teardown(): void {
  deleteE2ECluster();
}
