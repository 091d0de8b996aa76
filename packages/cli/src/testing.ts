/** Test helpers: run the real CLI in-process against temporary projects made from fixtures. */
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "./run.ts";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const fixturesDir = join(repoRoot, "test/fixtures");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `dev ...args --cwd cwd` in-process; without `cwd`, the line is run exactly as given. */
export async function dev(args: string[], cwd?: string): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await run(cwd === undefined ? args : [...args, "--cwd", cwd], {
    stdout: { write: (c: string) => (stdout += c) },
    stderr: { write: (c: string) => (stderr += c) },
  });
  return { code, stdout, stderr };
}

/** A temporary copy of a fixture (or of any folder), removed by the returned cleanup. */
export async function tempProject(source?: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "devup-test-"));
  if (source) await cp(source, dir, { recursive: true, filter: (src) => !/\/(node_modules|k8s|\.git)(\/|$)/.test(src.slice(source.length)) });
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
