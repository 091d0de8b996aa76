export { Store, type Listener } from "./store.ts";
export { initialState, reduce, type Action, type EngineState, type ServiceState, type Phase, type ForwardState, type IngressState } from "./state.ts";
export { up, type UpOptions, type UpResult } from "./up.ts";
export type { Ports, ImagesPort, ClusterPort, KubePort, ImageRequest, BuildResult, DeliveryResult, ForwardHandle } from "./ports.ts";
export { updateService, type UpdateOptions } from "./update.ts";
export { imageRequest } from "./image-request.ts";
export { watchProject, type WatchOptions, type Watching } from "./watch/loop.ts";
export type { IngressPort, SyncPort, SyncRequest, WatchPort } from "./ports.ts";
