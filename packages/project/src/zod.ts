/**
 * zod, for this package only: every file here imports it through this module. Built, dist/zod.js is
 * one minified bundle of zod (scripts/bundle-deps.mjs): ~95 modules load as one, ~30 ms sooner.
 */
export { z } from "zod";
