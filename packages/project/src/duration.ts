/** `"500ms"` → 0.5, `"10s"` → 10, `"2m"` → 120, `3` → 3 (seconds). Assumes the schema already checked the form. */
export function durationSeconds(d: string | number): number {
  if (typeof d === "number") return d;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(d);
  if (!m) throw new Error(`not a duration: ${d}`);
  const n = Number(m[1]);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as "ms" | "s" | "m" | "h"];
  return Math.round(n * unit * 1000) / 1000;
}
