/**
 * Where the offline cluster harness (`scripts/cluster/ensure` in the devup repository) is, for a
 * `dev` run from this checkout or from an installed package:
 *   1. DEVUP_HARNESS: the `ensure` script itself or the folder that holds it;
 *   2. shipped inside the package: `<package>/harness/cluster/ensure` (copied there by `pnpm pack`);
 *   3. beside it in a checkout: `<package>/../../scripts/cluster/ensure`.
 * None found is not an error: a laptop with Docker running needs no harness.
 */
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DevupError } from "@devup/errors";

export interface Harness {
  /** Absolute path of the `ensure` script. */
  path: string;
  /** Why this one: the variable, the package, or the checkout. */
  source: "DEVUP_HARNESS" | "package" | "checkout";
}

/** The CLI package's folder (packages/cli in a checkout, node_modules/@devup/cli when installed). */
const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));

const isFile = (path: string): boolean => existsSync(path) && statSync(path).isFile();

export function findHarness(env: NodeJS.ProcessEnv = process.env, packageDir: string = PACKAGE_DIR): Harness | undefined {
  const given = env.DEVUP_HARNESS;
  if (given) {
    const full = resolve(given);
    const path = isFile(full) ? full : join(full, "ensure");
    if (!isFile(path)) {
      throw new DevupError("command", `DEVUP_HARNESS=${given} is neither the harness's ensure script nor a folder holding one`, {
        hint: "point it at scripts/cluster/ensure of a devup checkout (or its folder), or unset it",
      });
    }
    return { path, source: "DEVUP_HARNESS" };
  }
  const shipped = join(packageDir, "harness", "cluster", "ensure");
  if (isFile(shipped)) return { path: shipped, source: "package" };
  const checkout = resolve(packageDir, "..", "..", "scripts", "cluster", "ensure");
  if (isFile(checkout)) return { path: checkout, source: "checkout" };
  return undefined;
}
