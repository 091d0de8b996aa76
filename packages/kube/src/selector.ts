/** Label selectors as devup uses them: plain equality maps. */

/** `{ a: "1", b: "2" }` → "a=1,b=2" (keys sorted, so the same map gives the same string). */
export function labelSelector(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels)
    .sort()
    .map((key) => `${key}=${labels[key]}`)
    .join(",");
}

/** Whether `labels` carry every key=value of `selector`. An empty selector matches nothing (as a Service's does). */
export function matchesLabels(labels: Readonly<Record<string, string>> | undefined, selector: Readonly<Record<string, string>>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([key, value]) => labels?.[key] === value);
}
