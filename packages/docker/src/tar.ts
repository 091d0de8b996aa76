/**
 * A streaming tar writer for build contexts: exactly the listed files (and their parent folders),
 * plus in-memory extras (a Dockerfile from outside the context, an amended .dockerignore).
 * Owner 0:0 like the Docker CLI; PAX headers for long paths; file bodies are streamed, not buffered.
 */
import { createReadStream } from "node:fs";
import { lstat, readlink } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";

export interface MemoryEntry {
  /** Path inside the archive, "/"-separated. */
  name: string;
  content: Buffer;
  mode?: number;
}

const BLOCK = 512;
const MAX_OCTAL_SIZE = 0o77777777777;

/** Tar stream of `files` (relative to `root`, "/"-separated) followed by `extras`. */
export function packFiles(root: string, files: readonly string[], extras: readonly MemoryEntry[] = []): Readable {
  return Readable.from(entries(root, files, extras), { objectMode: false });
}

async function* entries(root: string, files: readonly string[], extras: readonly MemoryEntry[]): AsyncGenerator<Buffer> {
  const dirs = parentDirs([...files, ...extras.map((e) => e.name)]);
  for (const dir of dirs) {
    const st = await lstat(join(root, dir)).catch(() => undefined);
    yield* header({ name: `${dir}/`, type: "5", mode: st ? st.mode & 0o7777 : 0o755, size: 0, mtime: st ? st.mtimeMs : Date.now() });
  }
  for (const rel of files) {
    const abs = join(root, rel);
    const st = await lstat(abs);
    const mtime = st.mtimeMs;
    if (st.isSymbolicLink()) {
      yield* header({ name: rel, type: "2", mode: st.mode & 0o7777, size: 0, mtime, linkname: await readlink(abs) });
    } else if (st.isFile()) {
      yield* header({ name: rel, type: "0", mode: st.mode & 0o7777, size: st.size, mtime });
      yield* body(abs, st.size);
    }
    // Sockets, fifos and devices are not sent (the Docker CLI skips them too).
  }
  for (const e of extras) {
    yield* header({ name: e.name, type: "0", mode: e.mode ?? 0o644, size: e.content.length, mtime: Date.now() });
    yield e.content;
    yield padding(e.content.length);
  }
  yield Buffer.alloc(BLOCK * 2);
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

/** Exactly `size` bytes of the file (zero-filled if it shrank while we read), then padding. */
async function* body(abs: string, size: number): AsyncGenerator<Buffer> {
  let sent = 0;
  if (size > 0) {
    for await (const chunk of createReadStream(abs, { start: 0, end: size - 1, highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      sent += chunk.length;
      yield chunk;
    }
  }
  if (sent < size) yield Buffer.alloc(size - sent);
  yield padding(size);
}

function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest);
}

interface Header {
  name: string;
  type: "0" | "2" | "5";
  mode: number;
  size: number;
  mtime: number;
  linkname?: string;
}

function* header(h: Header): Generator<Buffer> {
  const pax: string[] = [];
  if (Buffer.byteLength(h.name) > 100 || !isAscii(h.name)) pax.push(paxRecord("path", h.name));
  if (h.linkname && (Buffer.byteLength(h.linkname) > 100 || !isAscii(h.linkname))) pax.push(paxRecord("linkpath", h.linkname));
  if (h.size > MAX_OCTAL_SIZE) pax.push(paxRecord("size", String(h.size)));
  if (pax.length > 0) {
    const data = Buffer.from(pax.join(""));
    yield ustar({ name: "PaxHeader", type: "x", mode: 0o644, size: data.length, mtime: h.mtime });
    yield data;
    yield padding(data.length);
  }
  yield ustar(h);
}

function isAscii(s: string): boolean {
  return /^[\x20-\x7e]*$/.test(s);
}

/** "<len> key=value\n", where len counts the whole record including its own digits. */
export function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`;
  const restLen = Buffer.byteLength(rest);
  let len = restLen + String(restLen).length;
  if (String(len).length !== String(restLen).length) len = restLen + String(len).length;
  return `${len}${rest}`;
}

function ustar(h: { name: string; type: string; mode: number; size: number; mtime: number; linkname?: string | undefined }): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(truncate(h.name, 100), 0, "utf8");
  octal(b, 100, 8, h.mode);
  octal(b, 108, 8, 0);
  octal(b, 116, 8, 0);
  octal(b, 124, 12, Math.min(h.size, MAX_OCTAL_SIZE));
  octal(b, 136, 12, Math.max(0, Math.floor(h.mtime / 1000)));
  b.write("        ", 148, "ascii");
  b.write(h.type, 156, "ascii");
  if (h.linkname) b.write(truncate(h.linkname, 100), 157, "utf8");
  b.write("ustar\u000000", 257, "binary");
  b.write("root", 265, "ascii");
  b.write("root", 297, "ascii");
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, "0")}\u0000 `, 148, "ascii");
  return b;
}

function octal(b: Buffer, offset: number, width: number, value: number): void {
  b.write(`${value.toString(8).padStart(width - 1, "0")}\u0000`, offset, "ascii");
}

/** At most `bytes` UTF-8 bytes of `s` (the PAX header carries the full value). */
function truncate(s: string, bytes: number): string {
  let out = s;
  while (Buffer.byteLength(out) > bytes) out = out.slice(0, -1);
  return out;
}
