/** Multi-document YAML (a file, or what a tool printed) → Kubernetes objects, every problem naming where. */
import type { KubeObject } from "@devup/manifests";
import { LineCounter, parseAllDocuments } from "yaml";

export interface Parsed {
  objects: KubeObject[];
  /** "where: what", e.g. "k8s/app.yaml:3:1: a document without kind". */
  errors: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** `source` names the text in messages (a file path, or "helm template of services/db/chart"). */
export function parseObjects(text: string, source: string): Parsed {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
  const objects: KubeObject[] = [];
  const errors: string[] = [];
  const where = (offset: number | undefined) => {
    const p = lines.linePos(offset ?? 0);
    return `${source}:${p.line}:${p.col}`;
  };
  if (!Array.isArray(docs)) {
    errors.push(`${source}: not YAML documents`);
    return { objects, errors };
  }
  for (const doc of docs) {
    if (doc.errors.length) {
      for (const e of doc.errors) errors.push(`${where(e.pos[0])}: ${e.message.split("\n")[0]}`);
      continue;
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue; // an empty document (a template that rendered nothing)
    const at = where(doc.contents?.range[0] ?? doc.range[0]);
    const items = isObject(value) && typeof value.kind === "string" && value.kind.endsWith("List") && Array.isArray(value.items) ? value.items : [value];
    for (const item of items as unknown[]) {
      const problem = objectProblem(item);
      if (problem) errors.push(`${at}: ${problem}`);
      else objects.push(item as KubeObject);
    }
  }
  return { objects, errors };
}

function objectProblem(v: unknown): string | undefined {
  if (!isObject(v)) return "a document that is not a Kubernetes object (expected a mapping with apiVersion, kind and metadata.name)";
  if (typeof v.apiVersion !== "string" || typeof v.kind !== "string") return "a Kubernetes object needs apiVersion and kind";
  const meta = v.metadata;
  if (!isObject(meta) || typeof meta.name !== "string" || meta.name === "") return `${v.kind} without metadata.name (devup applies objects by name; generateName is not supported)`;
  return undefined;
}
