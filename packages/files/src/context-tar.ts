/**
 * The build context as a tar stream (tar-stream): exactly the listed files (and their parent
 * folders), plus in-memory extras (a Dockerfile from outside the context, an amended .dockerignore).
 * Owner 0:0 like the Docker CLI; long paths become PAX headers; file bodies are streamed.
 */
import { createReadStream } from "node:fs";
import { lstat, readlink } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { pack, type Header, type Pack } from "tar-stream";

export interface MemoryEntry {
  /** Path inside the archive, "/"-separated. */
  name: string;
  content: Buffer;
  mode?: number;
}

/** Tar stream of `files` (relative to `root`, "/"-separated) followed by `extras`. */
export function packFiles(root: string, files: readonly string[], extras: readonly MemoryEntry[] = []): Readable {
  const archive = pack();
  writeEntries(archive, root, files, extras).then(
    () => archive.finalize(),
    (error: unknown) => archive.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  // tar-stream's streams are streamx streams; Node's Readable is what dockerode and callers expect.
  return Readable.from(archive);
}

const owner = { uid: 0, gid: 0, uname: "root", gname: "root" };

async function writeEntries(archive: Pack, root: string, files: readonly string[], extras: readonly MemoryEntry[]): Promise<void> {
  const add = (header: Partial<Header> & { name: string }, content?: Buffer) => new Promise<void>((resolve, reject) => archive.entry({ ...owner, ...header }, content ?? "", (e) => (e ? reject(e) : resolve())));
  for (const dir of parentDirs([...files, ...extras.map((e) => e.name)])) {
    const st = await lstat(join(root, dir)).catch(() => undefined);
    await add({ name: dir, type: "directory", mode: st ? st.mode & 0o7777 : 0o755, mtime: st?.mtime ?? new Date() });
  }
  for (const rel of files) {
    const abs = join(root, rel);
    const st = await lstat(abs);
    const header = { name: rel, mode: st.mode & 0o7777, mtime: st.mtime };
    if (st.isSymbolicLink()) {
      await add({ ...header, type: "symlink", linkname: await readlink(abs) });
    } else if (st.isFile()) {
      const entry = archive.entry({ ...owner, ...header, type: "file", size: st.size });
      await pipeline(createReadStream(abs), entry);
    }
    // Sockets, fifos and devices are not sent (the Docker CLI skips them too).
  }
  for (const e of extras) await add({ name: e.name, type: "file", mode: e.mode ?? 0o644, mtime: new Date() }, e.content);
}

/** Every ancestor folder of the given paths, parents before children. */
export function parentDirs(paths: readonly string[]): string[] {
  const out = new Set<string>();
  for (const p of paths) {
    const parts = p.split("/");
    for (let i = 1; i < parts.length; i++) out.add(parts.slice(0, i).join("/"));
  }
  return [...out].sort();
}
