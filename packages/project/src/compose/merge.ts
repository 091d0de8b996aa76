/** Compose's merge rules, for override files (`-f a -f b`) and `extends`. */

/** Keys whose later value replaces the earlier one instead of merging with it. */
const REPLACED = new Set(["command", "entrypoint", "test"]);
/** Keys that are a list of KEY=value or a map: merged by key. */
const DICT_LIKE = new Set(["environment", "labels", "annotations", "args", "sysctls", "extra_hosts", "depends_on"]);

/** A list-or-map value as a map (`["A=1", "B"]` → `{ A: "1", B: null }`; depends_on lists → conditions). */
export function toDict(key: string, value: unknown): Record<string, unknown> {
  if (!Array.isArray(value)) return (value ?? {}) as Record<string, unknown>;
  if (key === "depends_on") return Object.fromEntries(value.map((d) => [String(d), { condition: "service_started" }]));
  return Object.fromEntries(
    value.map((e) => {
      const s = String(e);
      const eq = s.indexOf(key === "extra_hosts" ? ":" : "=");
      return eq === -1 ? [s, null] : [s.slice(0, eq), s.slice(eq + 1)];
    }),
  );
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function mergeValue(key: string, base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (base === undefined || REPLACED.has(key)) return over;
  if (DICT_LIKE.has(key) && (Array.isArray(base) || Array.isArray(over))) return { ...toDict(key, base), ...toDict(key, over) };
  if (key === "build" && (typeof base === "string" || typeof over === "string")) {
    return mergeValue("build", typeof base === "string" ? { context: base } : base, typeof over === "string" ? { context: over } : over);
  }
  if (Array.isArray(base) && Array.isArray(over)) {
    const seen = new Set((base as unknown[]).map((v) => JSON.stringify(v)));
    return [...(base as unknown[]), ...(over as unknown[]).filter((v) => !seen.has(JSON.stringify(v)))];
  }
  if (isMap(base) && isMap(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = mergeValue(k, base[k], v);
    return out;
  }
  return over;
}

/** `over` merged onto `base`, as compose merges a service from a later file onto an earlier one. */
export function mergeService(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  return mergeValue("", base, over) as Record<string, unknown>;
}
