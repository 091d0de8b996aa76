/**
 * The Kubernetes client, for this package only: every file here imports client-node through this
 * module. Built, dist/k8s.js is replaced by one minified bundle of client-node and its dependencies
 * (scripts/bundle-deps.mjs): 870 modules load as one, ~0.3 s faster and ~55 MB smaller than the
 * package itself. When that step has not run, this plain re-export works the same, just slower.
 */
export * from "@kubernetes/client-node";
