/**
 * Checks of what devup generates from a service (a ConfigMap, a Secret, a test Job) against the
 * API server's limits (k8s-rules.ts), reported at the spec line that causes them.
 */
import type { PathSegment, Severity } from "./diagnostics.ts";
import { configKeyProblem, dns1123LabelProblem, envVarNameProblem, MAX_ANNOTATIONS_BYTES, MAX_OBJECT_DATA_BYTES } from "./k8s-rules.ts";
import type { ResolvedService } from "./model.ts";

/** The environment every project has; its namespace is the project name (validate.ts DEFAULT_ENVIRONMENT). */
const DEFAULT_ENVIRONMENT = "local";

export type Report = (path: PathSegment[], message: string, severity?: Severity) => void;

const bytes = (s: string) => Buffer.byteLength(s, "utf8");
const mib = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MiB`;

/** The label the test Job of `dev ci` carries: `<service>-test` (manifests job.ts), a label value of at most 63. */
const TEST_LABEL_SUFFIX = "-test";

export function checkServiceObjects(s: ResolvedService, report: Report): void {
  if (s.config) {
    let size = 0;
    for (const v of Object.values(s.config.values)) size += bytes(v);
    for (const [key, file] of Object.entries(s.config.files)) {
      size += bytes(file.content);
      if (key in s.config.values) report(["config", "files", key], `${JSON.stringify(key)} is also a key of config.values; both go into one ConfigMap, so rename one of them`);
    }
    if (size > MAX_OBJECT_DATA_BYTES) {
      report(["config"], `the ConfigMap ${s.name}-config would hold ${mib(size)}; Kubernetes allows at most 1 MiB per ConfigMap: mount large files from the image instead`);
    }
  }
  if (s.secrets) {
    let size = 0;
    for (const [key, value] of Object.entries(s.secrets.values)) {
      size += bytes(value);
      const problem = configKeyProblem(key);
      if (problem) report(["secrets", "envFile"], `${s.secrets.source ?? "the env file"}: key ${JSON.stringify(key)} cannot be a Secret key: ${problem}`);
      else if (s.secrets.asEnv && envVarNameProblem(key)) {
        report(["secrets", "envFile"], `${s.secrets.source ?? "the env file"}: key ${JSON.stringify(key)} is not a valid environment variable name, so Kubernetes leaves it out of the environment (asEnv); rename it, or read it from a file`, "warning");
      }
    }
    for (const [key, file] of Object.entries(s.secrets.files)) {
      size += bytes(file.content);
      if (key in s.secrets.values) report(["secrets", "files", key], `${JSON.stringify(key)} is also a key of ${s.secrets.source ?? "the env file"}; both go into one Secret, so rename one of them`);
    }
    if (size > MAX_OBJECT_DATA_BYTES) report(["secrets"], `the Secret ${s.name}-secrets would hold ${mib(size)}; Kubernetes allows at most 1 MiB per Secret`);
  }
  let annotations = 0;
  for (const [k, v] of Object.entries(s.annotations)) annotations += bytes(k) + bytes(v);
  if (annotations > MAX_ANNOTATIONS_BYTES) report(["annotations"], `annotations hold ${annotations} bytes; Kubernetes allows at most ${MAX_ANNOTATIONS_BYTES} in all`);
  if (s.test && s.name.length + TEST_LABEL_SUFFIX.length > 63) {
    report(["test"], `the service name is ${s.name.length} characters: the test Job's label "${s.name}${TEST_LABEL_SUFFIX}" would pass Kubernetes' 63; use a name of at most ${63 - TEST_LABEL_SUFFIX.length} characters`);
  }
}

/** Each environment's namespace, once the "-<environment>" suffix is applied, is a DNS-1123 label (at most 63). */
export function checkNamespaces(projectName: string, environments: Record<string, { namespace?: string | undefined }>, report: Report): void {
  for (const [env, overlay] of Object.entries(environments)) {
    if (overlay.namespace !== undefined) continue;
    const namespace = env === DEFAULT_ENVIRONMENT ? projectName : `${projectName}-${env}`;
    const problem = dns1123LabelProblem(namespace);
    if (problem) report(["environments", env], `this environment's namespace ${JSON.stringify(namespace)} (project name + "-${env}") ${problem}: set environments.${env}.namespace, or shorten the names`);
  }
}
