/**
 * client-node's KubernetesObjectApi serializes an object through its typed model for the kind, and
 * the model of a CRD's schema (V1JSONSchemaProps) knows the `x-kubernetes-*` keys only by their
 * attribute names (`x_kubernetes_preserve_unknown_fields`): a plain object's `x-kubernetes-*` keys
 * would be dropped on the way out, and the API server would then prune every field the schema
 * does not declare. Renamed to the attribute names here, they go out as `x-kubernetes-*` again.
 */
import type { KubeObject } from "./types.ts";

/** Maps whose keys are names the user chose (field names), not schema keywords: never renamed. */
const NAME_MAPS = new Set(["properties", "patternProperties", "definitions"]);

function rename(value: unknown, inNameMap = false): unknown {
  if (Array.isArray(value)) return value.map((v) => rename(v));
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, v]) => [!inNameMap && key.startsWith("x-kubernetes-") ? key.replaceAll("-", "_") : key, rename(v, !inNameMap && NAME_MAPS.has(key))]),
  );
}

/** A CustomResourceDefinition with its schemas' `x-kubernetes-*` keys as client-node's model names them; any other object as it is. */
export function forTypedModel(object: KubeObject): KubeObject {
  if (object.kind !== "CustomResourceDefinition" || !object.apiVersion.startsWith("apiextensions.k8s.io/")) return object;
  const spec = object.spec as { versions?: Array<{ schema?: unknown }> } | undefined;
  if (!spec?.versions) return object;
  return { ...object, spec: { ...spec, versions: spec.versions.map((v) => (v.schema === undefined ? v : { ...v, schema: rename(v.schema) })) } };
}
