export { buildImage, INPUTS_HASH_LABEL, type BuildImageOptions, type BuiltImage } from "./build.ts";
export { hashBuildInputs, listContextFiles, localImageRef, type BuildInputs } from "./context.ts";
export { connectDocker, dockerEndpoint, imageExists, pingDocker } from "./engine.ts";
export { ensureImages, summarizeBuilds, type BuildEvent, type BuildSummary, type EnsureImagesOptions, type ImageRequest, type ImageResult } from "./ensure.ts";
