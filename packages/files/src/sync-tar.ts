/** The files of a live update as one tar archive, entries named by their container path (no leading "/"), for `tar -x -C /`. */
import { lstat, readFile, readlink, realpath } from "node:fs/promises";
import { DevupError } from "@devup/errors";
import { pack } from "tar-stream";
import { isInside } from "./inside.ts";

export interface SyncEntry {
  /** Absolute path on this machine. */
  local: string;
  /** Absolute path in the container. */
  to: string;
  /** The sync rule's folder (absolute): the file must really be inside it once symlinks are followed. */
  within?: string | undefined;
}

async function leadsOut(local: string, within: string): Promise<string | undefined> {
  const [real, root] = await Promise.all([realpath(local), realpath(within)]);
  return isInside(real, root) ? undefined : real;
}

/**
 * The archive of the files that exist, and the container paths of those that were deleted.
 * Symlinks go as symlinks (like the build context): no link is followed, so nothing outside the
 * sync folder is read; a file reached through a symlinked folder that leads out is refused.
 */
export async function syncArchive(files: readonly SyncEntry[]): Promise<{ tar: Buffer; deleted: string[]; copied: number }> {
  const p = pack();
  const deleted: string[] = [];
  let copied = 0;
  for (const f of files) {
    const st = await lstat(f.local).catch(() => undefined);
    if (!st) {
      deleted.push(f.to);
      continue;
    }
    const name = f.to.replace(/^\/+/, "");
    if (st.isSymbolicLink()) {
      p.entry({ name, type: "symlink", linkname: await readlink(f.local), mtime: st.mtime });
      copied++;
      continue;
    }
    if (!st.isFile()) continue;
    const outside = f.within === undefined ? undefined : await leadsOut(f.local, f.within);
    if (outside !== undefined) {
      throw new DevupError("specInvalid", `${f.local} is not synced: a symlinked folder on its way leads out of the sync folder ${f.within} (to ${outside})`, {
        hint: "devup copies nothing from outside the project; replace the symlinked folder with the files themselves",
      });
    }
    // Only file entries: folder entries would reset the owner and mode of folders in the image.
    p.entry({ name, mode: st.mode & 0o777, mtime: st.mtime, size: st.size }, await readFile(f.local));
    copied++;
  }
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(Buffer.from(chunk as Uint8Array));
  return { tar: Buffer.concat(chunks), deleted, copied };
}
