/**
 * What the offline harness (scripts/cluster/ensure) tells its callers: one KEY=VALUE line per tool it
 * made ready (KIND=, NODE_IMAGE=, REGISTRY=, …) among its other output. Read by the CLI's machine
 * preparation and the e2e harness.
 */

/** The KEY=VALUE lines of `stdout` (KEY in capitals, digits and _); every other line is ignored; a later key wins. */
export function parseHarnessOutput(stdout: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of stdout.split("\n")) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) values[m[1]!] = m[2]!;
  }
  return values;
}
