/** The I/O edge of the spec: find the project, read its spec files, and a ProjectFs over the real disk. */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { DevupError } from "@devup/errors";
import { execFileSync } from "node:child_process";
import { confinePath } from "./confine.ts";
import { decodeText } from "./decode.ts";
import type { Diagnostic, ValidationResult } from "./diagnostics.ts";
import { outsideRoot, type ProjectFs } from "./fs.ts";
import { machineHashKey } from "./hash-key.ts";
import { MAX_OBJECT_DATA_BYTES } from "./k8s-rules.ts";
import type { ResolvedProject } from "./model.ts";
import { parseYaml, sourceSizeProblem, type SourceFile } from "./source.ts";
import { validateProject, type ProjectSources, type ValidateOptions } from "./validate.ts";

export const DEV_FILE = "dev.yaml";
export const SERVICE_FILE = "service.yaml";

/** The nearest folder at or above `start` that holds dev.yaml. */
export function findProjectRoot(start: string): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, DEV_FILE))) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new DevupError("specNotFound", `no ${DEV_FILE} in ${resolve(start)} or any folder above it`, {
        hint: "run `dev init` to create one (it imports a docker-compose.yml if there is one), or cd into your project",
      });
    }
    dir = parent;
  }
}

function toPosix(p: string): string {
  return sep === "/" ? p : p.split(sep).join("/");
}

/**
 * A spec or compose file for parseYaml: its text, or (in `problem`) why it is not read: larger than
 * parseYaml accepts (checked before reading), not a regular file, binary, UTF-16, not UTF-8.
 * `path` is how diagnostics name the file.
 */
export function readSourceFile(file: string, path: string): SourceFile {
  const stat = statSync(file);
  if (!stat.isFile()) return { path, text: "", problem: "is not a regular file" };
  const tooLarge = sourceSizeProblem(stat.size);
  if (tooLarge) return { path, text: "", problem: tooLarge };
  const decoded = decodeText(readFileSync(file), { refuseNul: true });
  return "text" in decoded ? { path, text: decoded.text } : { path, text: "", problem: `the file ${decoded.problem}` };
}

export function readProjectSources(root: string, fs: ProjectFs = nodeProjectFs(root)): ProjectSources {
  const devFile = readSourceFile(join(root, DEV_FILE), DEV_FILE);
  let servicesDir = "services";
  // Syntax errors are reported by validation, with their position; here only servicesDir matters.
  const dev = parseYaml(devFile).parsed?.value as { servicesDir?: unknown } | null | undefined;
  if (dev && typeof dev === "object" && typeof dev.servicesDir === "string") servicesDir = dev.servicesDir;
  const serviceFiles = [];
  const problems: Diagnostic[] = [];
  const dir = join(root, servicesDir);
  // A servicesDir that leads out of the project is not read (validation reports it at its line).
  if (confinePath(fs, ".", servicesDir, "servicesDir").ok && existsSync(dir) && statSync(dir).isDirectory()) {
    for (const name of readdirSync(dir).sort()) {
      const file = join(dir, name, SERVICE_FILE);
      if (!existsSync(file)) continue;
      const path = toPosix(relative(root, file));
      const confined = confinePath(fs, ".", path, "service file");
      if (confined.ok) serviceFiles.push(readSourceFile(file, path));
      else problems.push({ severity: "error", file: path, line: 1, column: 1, path: "", message: confined.message });
    }
  }
  return { root, devFile, serviceFiles, problems };
}

/** ProjectFs over the real disk, paths relative to `root`. Git-tracked files are listed once. */
export function nodeProjectFs(root: string): ProjectFs {
  let tracked: Set<string> | undefined;
  let realRoot: string | undefined;
  const abs = (p: string) => resolve(root, p);
  return {
    readFile(p) {
      let bytes: Buffer;
      try {
        // Nothing read through the spec goes anywhere but a ConfigMap, a Secret or a check; a bigger
        // file is refused before it is read (a mistaken path must not load a disk image).
        const size = statSync(abs(p)).size;
        if (size > MAX_OBJECT_DATA_BYTES) return { unreadable: `is ${(size / 1024 / 1024).toFixed(1)} MiB; a ConfigMap or Secret holds at most 1 MiB` };
        bytes = readFileSync(abs(p));
      } catch {
        return undefined;
      }
      const decoded = decodeText(bytes);
      return "text" in decoded ? decoded.text : { unreadable: decoded.problem };
    },
    exists: (p) => existsSync(abs(p)),
    realPath(p) {
      let real: string;
      try {
        // The C library's realpath: one call, where Node's JS version lstat's each path component.
        realRoot ??= realpathSync.native(root);
        real = realpathSync.native(abs(p));
      } catch {
        return undefined;
      }
      const rel = toPosix(relative(realRoot, real));
      return outsideRoot(rel) ? real : rel || ".";
    },
    isTracked(p) {
      if (!tracked) {
        // One `git ls-files` per load; node's own execFileSync keeps this off the CLI's start-up path
        // (execa's import costs more than this whole call). Paths are relative to cwd, the project root.
        let listing = "";
        try {
          listing = execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 * 1024 * 1024 });
        } catch {
          // Not a git repository, or no git: nothing is tracked.
        }
        tracked = new Set(listing.split("\0").filter(Boolean));
      }
      return tracked.has(toPosix(relative(root, abs(p))));
    },
  };
}

export interface LoadedProject extends ValidationResult<ResolvedProject> {
  root: string;
  sources: ProjectSources;
  fs: ProjectFs;
}

/** Find, read and validate the project that holds `cwd`. */
export function loadProject(cwd: string, options: ValidateOptions = {}): LoadedProject {
  const root = findProjectRoot(cwd);
  const fs = nodeProjectFs(root);
  const sources = readProjectSources(root, fs);
  const result = validateProject(sources, fs, options);
  const value = result.value && { ...result.value, hashKey: machineHashKey() };
  return { ...result, value, root, sources, fs };
}
