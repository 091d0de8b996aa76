export { Store, type Listener } from "./store.ts";
export { initialState, reduce, type Action, type EngineState, type ServiceState, type Phase, type ForwardState } from "./state.ts";
export { up, type UpOptions, type UpResult } from "./up.ts";
export type { Ports, ImagesPort, ClusterPort, KubePort, ImageRequest, BuildResult, DeliveryResult, ForwardHandle } from "./ports.ts";
