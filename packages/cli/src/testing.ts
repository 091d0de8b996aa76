/** Test helpers: run the real CLI in-process against temporary projects made from fixtures. */
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";
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

/**
 * Temporary projects for the tests of one file, removed after each test: `project(fixture?)` (empty
 * or a fixture's copy), `samples()` (the sample project without local secret files: the examples'
 * values are used), `folder()` (a plain temporary folder). Call once at the top of a test file.
 */
export function tempProjects(): { project: (source?: string) => Promise<string>; samples: () => Promise<string>; folder: () => Promise<string> } {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  const project = async (source?: string): Promise<string> => {
    const p = await tempProject(source);
    cleanups.push(p.cleanup);
    return p.dir;
  };
  return {
    project,
    samples: async () => {
      const dir = await project();
      for (const part of ["dev.yaml", "services"]) await cp(join(repoRoot, part), join(dir, part), { recursive: true, filter: (s) => !s.endsWith("/secret.env") });
      return dir;
    },
    folder: async () => {
      const dir = await mkdtemp(join(tmpdir(), "devup-out-"));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      return dir;
    },
  };
}
