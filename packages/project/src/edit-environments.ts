/**
 * Editing dev.yaml's environments with the `yaml` Document API, so that comments, key order and
 * formatting of everything else survive. Pure: text in, text out.
 */
import { DevupError } from "@devup/errors";
import { isMap, isScalar, LineCounter, parseDocument, YAMLMap } from "./yaml.ts";
import { DEFAULT_ENVIRONMENT } from "./validate.ts";

/**
 * dev.yaml with a new environment `to` whose overlay is a copy of `from`'s ("local" may be implicit:
 * then the copy is empty). The copy drops `namespace`, so `to` gets its own (`<project>-<to>`).
 */
export function cloneEnvironmentOverlay(text: string, from: string, to: string, file = "dev.yaml"): string {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length) throw new DevupError("specInvalid", `${file} is not valid YAML: ${doc.errors[0]!.message}`, { hint: "dev validate lists the problems" });
  const root = doc.contents;
  if (!isMap(root)) throw new DevupError("specInvalid", `${file} is not a mapping of keys`, { hint: "dev validate lists the problems" });
  const envs = doc.get("environments", true);
  if (envs !== undefined && envs !== null && !isMap(envs)) {
    throw new DevupError("specInvalid", `${file}: environments must be a mapping of names to overlays`, { hint: "dev validate lists the problems" });
  }
  const existing = isMap(envs) ? envs.items.find((p) => isScalar(p.key) && p.key.value === to) : undefined;
  if (existing) {
    const at = isScalar(existing.key) && existing.key.range ? lines.linePos(existing.key.range[0]) : undefined;
    throw new DevupError("fileExists", `${file}${at ? `:${at.line}:${at.col}` : ""}: environment ${JSON.stringify(to)} already exists`, {
      hint: `choose another name, or edit environments.${to} in ${file}`,
    });
  }
  const source = isMap(envs) ? envs.get(from, true) : undefined;
  if (source === undefined && from !== DEFAULT_ENVIRONMENT) {
    const names = [DEFAULT_ENVIRONMENT, ...(isMap(envs) ? envs.items.map((p) => String(isScalar(p.key) ? p.key.value : p.key)) : [])];
    throw new DevupError("usage", `environment ${JSON.stringify(from)} is not defined in ${file}`, { hint: `defined: ${[...new Set(names)].join(", ")}` });
  }
  const copy = isMap(source) ? source.clone() : new YAMLMap();
  if (!isMap(copy)) throw new DevupError("specInvalid", `${file}: environments.${from} must be a mapping`);
  copy.delete("namespace");
  copy.flow = copy.items.length === 0;
  if (isMap(envs)) envs.set(to, copy);
  else doc.set("environments", doc.createNode({ [to]: {} }));
  if (!isMap(envs)) (doc.get("environments", true) as YAMLMap).set(to, copy);
  return doc.toString();
}
