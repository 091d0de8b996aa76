/**
 * @devup/kube: devup's adapter for the Kubernetes API — server-side apply and prune, rollout
 * waits with a diagnosis in words, logs, port-forwards that survive pod restarts, and the guard
 * against deploying to a context devup did not create.
 */
export { createKube } from "./kube.ts";
export type { Kube, KubeOptions } from "./kube.ts";
export { applyObjects } from "./apply.ts";
export type { ApplyAction, ApplyOptions, ApplyResult } from "./apply.ts";
export { pruneObjects, listClaims, PRUNE_KINDS, OWN_PRUNE_KINDS } from "./prune.ts";
export type { ObjectRef, PruneKind, PruneOptions } from "./prune.ts";
export { waitForRollout } from "./rollout.ts";
export type { RolloutProgress, WaitForRolloutOptions } from "./rollout.ts";
export { diagnose } from "./diagnose.ts";
export type { Diagnosis, Problem, ProblemReason } from "./diagnose.ts";
export { recentLogs, streamLogs } from "./logs.ts";
export type { LogLine, StreamLogsOptions } from "./logs.ts";
export { forwardService } from "./forward.ts";
export type { Forward, ForwardOptions, ForwardState } from "./forward.ts";
export { assertContextAllowed } from "./context-guard.ts";
export type { ContextGuard } from "./context-guard.ts";
export type { KubeObject } from "./types.ts";
export { syncIntoPods } from "./exec-sync.ts";
export type { SyncOptions } from "./exec-sync.ts";
export { appendRevision, deleteHistories, HISTORY_LIMIT, historyName, latestRevisions, readHistory, recordRevision, rollbackTarget, secretDataHash } from "./history.ts";
export type { Outcome, RecordRequest, Revision } from "./history.ts";
export { runJob, jobState } from "./job.ts";
export { listDeployments, type Deployment } from "./workloads.ts";
export { clusterNodes, type NodeView } from "./nodes.ts";
export type { JobOutcome, JobState, RunJobOptions } from "./job.ts";
export { deletePods, listPodHealth, podHealth } from "./pod-health.ts";
export type { PodHealth } from "./pod-health.ts";
export { listIngressRoutes, routesOf } from "./ingress-routes.ts";
export { readyEndpoints, waitForEndpoints } from "./endpoints.ts";
export type { ClusterRoute } from "./ingress-routes.ts";
export { publishSyncedFiles, syncedFilesObject, SYNCED_FILES_DIR } from "./synced-files.ts";
export { objectStatus, waitForObjects } from "./object-ready.ts";
export type { ObjectStatus, WaitForObjectsOptions } from "./object-ready.ts";
export { budgetCovers, deleteServingPod, deploymentStrength, restartDeployment, type Strength } from "./disrupt.ts";
export { cordonNode, evictable, evictNode } from "./drain.ts";
export { checkService, liveSlot, scaleSlot, selectSlot } from "./blue-green.ts";
export { listWeightedServices } from "./canary.ts";
