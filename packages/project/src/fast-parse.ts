/**
 * The plain value of a spec file without source positions: js-yaml builds it several times faster
 * than yaml's Document with its ranges (about 0.2 ms against 0.8 ms for a service.yaml). Positions are
 * needed only to point at a problem, so source.ts parses with positions only when something asks.
 *
 * The fast path takes only what both parsers read the same way (YAML 1.2 core schema): it declines —
 * and yaml reads the file, with positions and its own error messages — on any error, a duplicate key,
 * any alias (yaml enforces the alias budget), a merge key `<<` (yaml's merge has key rules of its
 * own), a collection or null as a key, any tag, anchor or tab, a document marker but a leading `---`,
 * a document that is not a mapping, and any directive (`%YAML 1.1` changes the schema). fast-parse.test.ts checks both agree on every YAML file of the repository and on
 * generated tricky scalars.
 */
import { CORE_SCHEMA, load, realMapTag } from "js-yaml";

// Maps as JS Maps: keys keep their type, and become object keys below the way yaml's toJS makes them.
const schema = CORE_SCHEMA.withTags(realMapTag);

/** The value, or undefined when the fast path declines the file (yaml then reads it). */
export function fastValue(text: string, maxDepth: number): { value: unknown } | undefined {
  // A directive, what may be a tag (`!!float 1`, `!Ref x`) or an anchor (`&base`), a tab: yaml's rules for these are its own.
  if (/^%/m.test(text) || /(?:^|[\s[{,])[!&]/.test(text) || text.includes("\t")) return undefined;
  // Document markers but a leading `---`: yaml and js-yaml end documents differently.
  if (/^(?:---|\.\.\.)/m.test(text.startsWith("---") ? text.slice(3) : text)) return undefined;
  let loaded: unknown;
  try {
    loaded = load(text, { schema, maxAliases: 0, maxDepth });
  } catch {
    // Whatever it is, yaml reads the file again and reports it at its line.
    return undefined;
  }
  // Spec and compose files are mappings; anything else is for yaml to judge.
  if (!(loaded instanceof Map)) return undefined;
  const value = toPlain(loaded);
  return value === DECLINE ? undefined : { value };
}

const DECLINE = Symbol("decline");

/**
 * Maps into plain objects with yaml's keys (scalars as String(key)). Declines a collection, `<<` or
 * null as a key: js-yaml takes `: a: b` (an empty key before a compact mapping) that yaml refuses.
 */
function toPlain(value: unknown): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const plain = toPlain(item);
      if (plain === DECLINE) return DECLINE;
      out.push(plain);
    }
    return out;
  }
  if (!(value instanceof Map)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of value as Map<unknown, unknown>) {
    if ((typeof k !== "string" && typeof k !== "number" && typeof k !== "boolean") || k === "<<") return DECLINE;
    const plain = toPlain(v);
    if (plain === DECLINE) return DECLINE;
    const key = String(k);
    // As yaml does: a key that is already there (`__proto__` included) is defined, not assigned.
    if (key in out) Object.defineProperty(out, key, { value: plain, writable: true, enumerable: true, configurable: true });
    else out[key] = plain;
  }
  return out;
}
