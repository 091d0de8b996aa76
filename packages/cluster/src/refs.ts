/**
 * Image references: how containerd spells them, and what an image is called in a registry. Pure.
 */

export interface ImageRef {
  /** Registry host, when the reference names one ("devup.local", "localhost:5001"). */
  domain: string | undefined;
  /** Repository path without the domain ("shop-api", "library/node"). */
  path: string;
  tag: string | undefined;
  digest: string | undefined;
}

/** Split a reference the way Docker does: the first part is a domain if it has a "." or ":" or is "localhost". */
export function parseImageRef(ref: string): ImageRef {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf("/");
  const first = slash >= 0 ? rest.slice(0, slash) : "";
  const isDomain = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  return { domain: isDomain ? first : undefined, path: isDomain ? rest.slice(slash + 1) : rest, tag, digest };
}

/** The fully qualified form containerd lists: "node:24-slim" → "docker.io/library/node:24-slim". */
export function normalizeImageRef(ref: string): string {
  const r = parseImageRef(ref);
  const domain = r.domain ?? "docker.io";
  const path = r.domain === undefined && !r.path.includes("/") ? `library/${r.path}` : r.path;
  const tag = r.tag ?? (r.digest ? undefined : "latest");
  return `${domain}/${path}${tag ? `:${tag}` : ""}${r.digest ? `@${r.digest}` : ""}`;
}

/** The same image's name in another registry: ("devup.local/shop-api:abc", "localhost:5001") → "localhost:5001/shop-api:abc". */
export function registryImageRef(ref: string, registryHost: string): string {
  const r = parseImageRef(ref);
  if (r.tag === undefined && r.digest !== undefined) {
    throw new RangeError(`cannot push ${ref} by digest only: give the image a tag`);
  }
  return `${registryHost}/${r.path}:${r.tag ?? "latest"}`;
}

/** "localhost:5001/shop-api:abc" → { repo: "localhost:5001/shop-api", tag: "abc" } (what docker tag/push want). */
export function splitTag(ref: string): { repo: string; tag: string } {
  const r = parseImageRef(ref);
  const repo = r.domain ? `${r.domain}/${r.path}` : r.path;
  return { repo, tag: r.tag ?? "latest" };
}
