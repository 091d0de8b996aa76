/** The files of a live update as one tar archive, entries named by their container path (no leading "/"), for `tar -x -C /`. */
import { readFile, stat } from "node:fs/promises";
import { pack } from "tar-stream";

export interface SyncEntry {
  /** Absolute path on this machine. */
  local: string;
  /** Absolute path in the container. */
  to: string;
}

/** The archive of the files that exist, and the container paths of those that were deleted. */
export async function syncArchive(files: readonly SyncEntry[]): Promise<{ tar: Buffer; deleted: string[]; copied: number }> {
  const p = pack();
  const deleted: string[] = [];
  let copied = 0;
  for (const f of files) {
    const st = await stat(f.local).catch(() => undefined);
    if (!st) {
      deleted.push(f.to);
      continue;
    }
    if (!st.isFile()) continue;
    // Only file entries: folder entries would reset the owner and mode of folders in the image.
    p.entry({ name: f.to.replace(/^\/+/, ""), mode: st.mode & 0o777, mtime: st.mtime, size: st.size }, await readFile(f.local));
    copied++;
  }
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(Buffer.from(chunk as Uint8Array));
  return { tar: Buffer.concat(chunks), deleted, copied };
}
