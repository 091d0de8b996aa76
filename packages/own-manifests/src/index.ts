/** The user's own manifests (plain YAML, kustomize, Helm) rendered into objects; injection is pure, in @devup/manifests. */
export { renderOwnManifests, type RenderOptions } from "./render.ts";
export { findTool, type Tool } from "./tools.ts";
