export { buildImage, INPUTS_HASH_LABEL, type BuildImageOptions, type BuiltImage } from "./build.ts";
export { hashBuildInputs, ignoreMatcher, listContextFiles, localImageRef, type BuildInputs, type IgnoreMatcher } from "./context.ts";
export { connectDocker, imageExists, pingDocker } from "./engine.ts";
export { ensureImages, summarizeBuilds, type BuildEvent, type BuildSummary, type EnsureImagesOptions, type ImageRequest, type ImageResult } from "./ensure.ts";
export { followLocalLogs, type LogLine } from "./run-local/logs.ts";
export { listLocalVolumes, removeLocalVolumes } from "./run-local/volumes.ts";
export { planContainers, type ContainerPlan, type LocalProject, type LocalService } from "./run-local/plan.ts";
export { removeLocal, replaceLocal, startLocal, type RunLocalEvent } from "./run-local/run.ts";
export { syncIntoContainer, type LocalSyncRequest, type LocalSyncResult } from "./run-local/update.ts";
