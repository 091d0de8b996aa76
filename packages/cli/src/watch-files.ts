/**
 * The engine's WatchPort on chokidar: every service's build context, its Dockerfile and the spec
 * files. Not reported: what the context's .dockerignore excludes (the build would not see it), what
 * a .gitignore excludes (the project root's, and those in the folders down to each context: build
 * output, caches, local files), .git, node_modules, editor temp and swap files.
 */
import { readFileSync } from "node:fs";
import { basename, join, posix, relative, sep } from "node:path";
import { ignoreMatcher } from "@devup/docker";
import type { WatchPort } from "@devup/engine";
import { manifestInputs, specInputs, type ResolvedProject } from "@devup/project";
import { watch } from "chokidar";
import ignore, { type Ignore } from "ignore";

const ALWAYS_IGNORED = new Set([".git", "node_modules"]);
/**
 * vim swap and backup files, emacs lock and autosave files, JetBrains/VS Code/Kate temp files, vim's
 * 4913 probe, macOS folder metadata, and `sed -i`'s temp file (sed + 6 random characters, renamed over
 * the edited file a moment later: the rename is the change that matters).
 */
const EDITOR_TEMP = /(^\.#)|(^#.*#$)|(~$)|(\.sw[a-px]$)|(^4913$)|(\.tmp$)|(___jb_(tmp|old)___$)|(\.kate-swp$)|(\.crswap$)|(^\.DS_Store$)|(^sed[A-Za-z0-9]{6}$)/;

interface Context {
  dir: string;
  ignores: (rel: string) => boolean;
  hasExceptions: boolean;
}

function readContext(root: string, dir: string): Context {
  let text: string | undefined;
  try {
    text = readFileSync(join(root, dir, ".dockerignore"), "utf8");
  } catch {
    // no .dockerignore: everything is sent
  }
  return { dir, ...ignoreMatcher(text) };
}

const toPosix = (p: string) => p.split(sep).join("/");
const inside = (rel: string, dir: string) => dir === "." || rel === dir || rel.startsWith(`${dir}/`);

interface GitIgnore {
  /** The folder of the .gitignore, relative to the project root ("." for the root). */
  dir: string;
  ig: Ignore;
}

/** The .gitignore files of the root and of every folder on the way down to each of `dirs`. */
function readGitignores(root: string, dirs: readonly string[]): GitIgnore[] {
  const folders = new Set<string>(["."]);
  for (const dir of dirs) {
    const parts = dir === "." ? [] : dir.split("/");
    for (let i = 1; i <= parts.length; i++) folders.add(parts.slice(0, i).join("/"));
  }
  return [...folders].flatMap((dir) => {
    try {
      return [{ dir, ig: ignore().add(readFileSync(join(root, dir, ".gitignore"), "utf8")) }];
    } catch {
      return [];
    }
  });
}

function gitIgnored(list: readonly GitIgnore[], rel: string, isDir: boolean | undefined): boolean {
  return list.some((g) => {
    if (!inside(rel, g.dir) || rel === g.dir) return false;
    const sub = g.dir === "." ? rel : posix.relative(g.dir, rel);
    return g.ig.ignores(isDir ? `${sub}/` : sub);
  });
}

/** Whether a changed path (relative to the project root) can matter to a build or the spec. */
export function watchFilter(project: ResolvedProject): (rel: string, isDir: boolean | undefined) => boolean {
  const contexts = project.services.flatMap((s) => (s.build ? [readContext(project.root, s.build.context)] : []));
  const gitignores = readGitignores(project.root, [...new Set(project.services.flatMap((s) => [s.dir, ...(s.build ? [s.build.context] : [])]))]);
  // Spec files, Dockerfiles, and the files the spec reads (config, secrets — git-ignored secret.env included).
  const keep = new Set(["dev.yaml", ...project.services.map((s) => s.specFile), ...project.services.flatMap((s) => (s.build ? [s.build.dockerfile] : [])), ...project.services.flatMap(specInputs), ...project.services.flatMap(manifestInputs)]);
  // What manifests: services render from: everything under those folders counts (a chart's templates).
  const rendered = project.services.flatMap(manifestInputs);
  // Folders on the way to those files: a git-ignored `secrets/` folder must not hide its secret files.
  const keptFolders = new Set([...keep].flatMap((p) => p.split("/").slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join("/"))));
  return (rel, isDir) => {
    if (rel === "" || keep.has(rel) || keptFolders.has(rel)) return true;
    const parts = rel.split("/");
    if (parts.some((p) => ALWAYS_IGNORED.has(p)) || EDITOR_TEMP.test(basename(rel))) return false;
    if (basename(rel) === "service.yaml") return true;
    if (rendered.some((d) => inside(rel, d))) return true;
    if (gitIgnored(gitignores, rel, isDir)) return false;
    const mine = contexts.filter((c) => inside(rel, c.dir));
    if (!mine.length) return isDir !== false; // folders on the way to a context or a spec file (undefined: not known yet)
    return mine.some((c) => {
      const inContext = c.dir === "." ? rel : rel.slice(c.dir.length + 1);
      if (!inContext) return true;
      // An ignored folder can still hold re-included files when the ignore file has "!" lines.
      if (isDir !== false && c.hasExceptions) return true;
      return !c.ignores(inContext);
    });
  };
}

export const chokidarWatcher: WatchPort = {
  watch(project, onChange, onError) {
    const accept = watchFilter(project);
    const paths = [
      join(project.root, "dev.yaml"),
      ...project.services.map((s) => join(project.root, s.dir)),
      ...project.services.flatMap((s) => (s.build ? [join(project.root, s.build.context), join(project.root, s.build.dockerfile)] : [])),
      // Their folders, not the files: a secret.env that does not exist yet is noticed when created.
      ...project.services.flatMap(specInputs).map((p) => join(project.root, posix.dirname(p))),
      ...project.services.flatMap(manifestInputs).map((p) => join(project.root, p)),
    ];
    const watcher = watch([...new Set(paths)], {
      ignoreInitial: true,
      ignored: (path, stats) => !accept(toPosix(relative(project.root, path)), stats?.isDirectory()),
    });
    // Without a listener an 'error' event (EMFILE: out of inotify instances) would end the process.
    watcher.on("error", (error) => onError?.(error));
    watcher.on("all", (event, path) => {
      if (event === "addDir") return;
      onChange(toPosix(relative(project.root, path)));
    });
    return { close: () => watcher.close() };
  },
};
