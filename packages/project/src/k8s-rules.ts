/**
 * What the Kubernetes API server refuses, checked at validate time so the error points at the spec
 * line instead of surfacing from `kubectl apply` later.
 *
 * Written by hand, in one place: kubernetes-models (the OpenAPI schemas, used by the manifests
 * tests) checks types, int32 formats and a looser quantity pattern, but the rules below live in
 * the API server's Go validation code, not in the OpenAPI, and no maintained npm package carries
 * them. Each rule names its source:
 *   apimachinery  = k8s.io/apimachinery/pkg/util/validation/validation.go
 *   quantity.go   = k8s.io/apimachinery/pkg/api/resource/quantity.go
 *   core          = k8s.io/kubernetes/pkg/apis/core/validation/validation.go
 *   networking    = k8s.io/kubernetes/pkg/apis/networking/validation/validation.go
 * Each check returns a problem in words, or undefined when the value is fine.
 */
import { isIP } from "node:net";
import { objectKey } from "./mounted-files.ts";

/** int32 fields (replicas, probe seconds and thresholds): the OpenAPI `format: int32`. */
export const INT32_MAX = 2_147_483_647;

/** core ValidateConfigMap / ValidateSecret: the data of one object at most MaxSecretSize (1 MiB). */
export const MAX_OBJECT_DATA_BYTES = 1024 * 1024;

/** apimachinery (api/validation/objectmeta.go) TotalAnnotationSizeLimitB: keys + values of all annotations. */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;

// apimachinery: dns1123LabelFmt, DNS1123LabelMaxLength = 63 (IsDNS1123Label).
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// apimachinery: dns1123SubdomainFmt, DNS1123SubdomainMaxLength = 253 (IsDNS1123Subdomain).
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// apimachinery: qualifiedNameFmt (IsQualifiedName's name part) and labelValueFmt (IsValidLabelValue).
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
// apimachinery: configMapKeyFmt (IsConfigMapKey), also used for Secret keys.
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;
// apimachinery: envVarNameFmt (IsEnvVarName). Kubernetes 1.34 relaxed this to any printable ASCII
// but "="; the strict rule is what every supported cluster accepts.
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** A DNS-1123 label (namespaces), apimachinery IsDNS1123Label. */
export function dns1123LabelProblem(value: string): string | undefined {
  if (value.length > 63) return `is ${value.length} characters; Kubernetes allows at most 63`;
  if (!DNS1123_LABEL.test(value)) return 'must be a lowercase DNS label: a-z, 0-9 and "-", starting and ending with a letter or digit';
  return undefined;
}

/** A DNS-1123 subdomain: lowercase labels joined by ".", at most 253 characters (IsDNS1123Subdomain). */
function dns1123SubdomainProblem(value: string): string | undefined {
  if (value.length > 253) return `is ${value.length} characters; Kubernetes allows at most 253`;
  if (!DNS1123_SUBDOMAIN.test(value)) return 'must be lowercase DNS labels (a-z, 0-9, "-") joined by "."';
  return undefined;
}

/** Label and annotation keys: apimachinery IsQualifiedName, an optional DNS subdomain prefix and "/", then a name of at most 63. */
export function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split("/");
  if (parts.length > 2) return 'may hold at most one "/" (prefix/name, e.g. "example.com/team")';
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix.length === 0) return 'has an empty prefix before "/"';
    const p = dns1123SubdomainProblem(prefix);
    if (p) return `prefix ${JSON.stringify(prefix)} ${p}`;
  }
  if (name.length === 0) return "has an empty name";
  if (name.length > 63) return `name part is ${name.length} characters; Kubernetes allows at most 63`;
  if (!QUALIFIED_NAME.test(name)) return 'must be letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
  return undefined;
}

/** Label values: apimachinery IsValidLabelValue (empty, or a qualified name's name part). */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) return `is ${value.length} characters; a label value may be at most 63`;
  if (value !== "" && !QUALIFIED_NAME.test(value)) return 'a label value must be letters, digits, "-", "_" and ".", starting and ending with a letter or digit (or empty)';
  return undefined;
}

/**
 * A `config.files`/`secrets.files` key: a file name (a ConfigMap/Secret key itself) or an absolute
 * path in the container (mounted there on its own; its object key is derived by mounted-files.ts).
 */
export function mountedFileKeyProblem(key: string): string | undefined {
  if (!key.startsWith("/")) return configKeyProblem(key);
  const parts = key.split("/").slice(1);
  if (parts.some((p) => p === "" || p === "." || p === "..")) return 'an absolute mount path must name a file, without "//", "." or ".." parts (e.g. "/etc/nginx/nginx.conf")';
  const derived = objectKey(key);
  const problem = configKeyProblem(derived);
  return problem ? `its ConfigMap/Secret key ${JSON.stringify(derived)} is not valid: ${problem}` : undefined;
}

/** ConfigMap and Secret keys (also the file names of mounted config and secret files): apimachinery IsConfigMapKey. */
export function configKeyProblem(key: string): string | undefined {
  if (key.length > 253) return `is ${key.length} characters; a ConfigMap or Secret key may be at most 253`;
  if (!CONFIG_MAP_KEY.test(key)) return 'a ConfigMap or Secret key may hold only letters, digits, "-", "_" and "." (no "/" or spaces)';
  if (key === "." || key === "..") return `a ConfigMap or Secret key cannot be ${JSON.stringify(key)}`;
  if (key.startsWith("..")) return 'a ConfigMap or Secret key cannot start with ".."';
  return undefined;
}

/** Environment variable names: apimachinery IsEnvVarName. */
export function envVarNameProblem(name: string): string | undefined {
  if (ENV_VAR_NAME.test(name)) return undefined;
  return 'an environment variable name may hold only letters, digits, "_", "-" and ".", and must not start with a digit (e.g. "API_URL")';
}

/** Container and Service port names: apimachinery IsValidPortName (IANA_SVC_NAME). */
export function portNameProblem(name: string): string | undefined {
  if (name.length === 0) return "a port name must not be empty";
  if (name.length > 15) return `a port name may be at most 15 characters (IANA service name), got ${name.length}`;
  if (!/^[-a-z0-9]+$/.test(name)) return 'a port name may hold only a-z, 0-9 and "-"';
  if (!/[a-z]/.test(name)) return "a port name must contain at least one letter";
  if (name.includes("--")) return 'a port name must not contain "--"';
  if (name.startsWith("-") || name.endsWith("-")) return 'a port name must not start or end with "-"';
  return undefined;
}

/** Ingress rule hosts: networking ValidateIngressRule (a DNS subdomain, optionally "*." first, never an IP address). */
export function ingressHostProblem(host: string): string | undefined {
  if (isIP(host)) return "an ingress host must be a DNS name, not an IP address (route by path on localhost, or use a name like api.localhost)";
  if (host.includes(":")) return 'an ingress host must not include a port (the ingress listens on cluster.ingress.httpPort)';
  const problem = dns1123SubdomainProblem(host.startsWith("*.") ? host.slice(2) : host);
  return problem ? `an ingress host ${problem}` : undefined;
}

/** A resource quantity as an exact value: digits × 10^exp10 × 2^exp2, with a sign. */
export interface Quantity {
  negative: boolean;
  digits: bigint;
  exp10: number;
  exp2: number;
}

// quantity.go: <quantity> ::= <signedNumber><suffix>; <suffix> ::= <binarySI> | <decimalExponent> | <decimalSI>.
// A suffix is tried before an exponent ("1E" is exa, "1E3" is 1000).
const QUANTITY = /^([+-]?)(\d+\.?\d*|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const DECIMAL_SI: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SI: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
/** Exponents beyond this are refused: nothing real needs them, and they would make exact comparison slow. */
const MAX_EXPONENT = 1000;

const QUANTITY_HINT = 'a Kubernetes quantity: a number with an optional suffix, e.g. cpu "250m" or 0.5, memory "128Mi" or "1Gi"';

/** quantity.go ParseQuantity, exactly (no rounding), or a problem. */
export function parseQuantity(text: string): Quantity | string {
  const m = QUANTITY.exec(text);
  if (!m) return `expected ${QUANTITY_HINT}`;
  const [, sign = "", number = "", suffix = ""] = m;
  const [whole = "", fraction = ""] = number.split(".");
  let exp10 = -fraction.length;
  let exp2 = 0;
  if (suffix in BINARY_SI) exp2 = BINARY_SI[suffix]!;
  else if (suffix in DECIMAL_SI) exp10 += DECIMAL_SI[suffix]!;
  else exp10 += Number(suffix.slice(1));
  if (Math.abs(exp10) > MAX_EXPONENT) return `the exponent of ${JSON.stringify(text)} is out of range`;
  return { negative: sign === "-", digits: BigInt(`${whole}${fraction}` || "0"), exp10, exp2 };
}

/** -1, 0 or 1 as a is less than, equal to or more than b (both non-negative). */
export function compareQuantities(a: Quantity, b: Quantity): number {
  const m10 = Math.min(a.exp10, b.exp10);
  const m2 = Math.min(a.exp2, b.exp2);
  const scaled = (q: Quantity) => q.digits * 10n ** BigInt(q.exp10 - m10) * 2n ** BigInt(q.exp2 - m2);
  const x = scaled(a);
  const y = scaled(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** core ValidateResourceQuantityValue: a quantity that parses and is not negative. */
export function quantityProblem(value: string | number): string | undefined {
  if (typeof value === "number" && !Number.isFinite(value)) return `expected ${QUANTITY_HINT}`;
  const q = parseQuantity(String(value));
  if (typeof q === "string") return q;
  if (q.negative && q.digits !== 0n) return "a resource quantity must not be negative";
  return undefined;
}
