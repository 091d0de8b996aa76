export { hashBuildInputs, listContextFiles, localImageRef, type BuildInputs } from "./context.ts";
