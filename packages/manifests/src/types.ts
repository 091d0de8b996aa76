/** The minimal shape devup needs of a Kubernetes object; the full shape is validated in tests. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** Which object (what a prune compares): kind, namespace, name. */
export interface ObjectRef {
  kind: string;
  name: string;
  namespace?: string | undefined;
  /** Its API version, where known (a custom resource's kind is pruned by it). */
  apiVersion?: string | undefined;
}

/** Labels and annotations devup writes. Part of the contract with the cluster: never rename. */
export const LABELS = {
  name: "app.kubernetes.io/name",
  partOf: "app.kubernetes.io/part-of",
  managedBy: "app.kubernetes.io/managed-by",
  project: "devup.dev/project",
  environment: "devup.dev/environment",
  /** On the user's own objects (manifests:): the devup service they belong to. */
  service: "devup.dev/service",
  /** On a PersistentVolumeClaim: the spec's volume name within the service. */
  volume: "devup.dev/volume",
  /** blueGreen: which of the service's two Deployments (blue, green) a pod belongs to; the Service selects one. */
  slot: "devup.dev/slot",
} as const;

export const ANNOTATIONS = {
  configHash: "devup.dev/config-hash",
  redacted: "devup.dev/redacted",
  specFile: "devup.dev/spec-file",
  /** blueGreen, on the slot's Deployment: the check before the switch ("PORT PATH") and the gate ("manual"). */
  verify: "devup.dev/verify",
  promote: "devup.dev/promote",
  /** blueGreen, on the slot's Deployment: a hash of its pod template without the slot (which release it runs). */
  template: "devup.dev/template",
  /** canary, on the slot's Deployment: the traffic steps ("10,50,100"), percent of ingress traffic. */
  steps: "devup.dev/steps",
} as const;

export const MANAGED_BY = "devup";
