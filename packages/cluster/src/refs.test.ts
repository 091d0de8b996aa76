import { describe, expect, it } from "vitest";
import { normalizeImageRef, parseImageRef, registryImageRef, splitTag } from "./refs.ts";

describe("image references", () => {
  it("parses domains the way Docker does", () => {
    expect(parseImageRef("devup.local/shop-api:abc")).toEqual({ domain: "devup.local", path: "shop-api", tag: "abc", digest: undefined });
    expect(parseImageRef("localhost:5001/a/b:1")).toEqual({ domain: "localhost:5001", path: "a/b", tag: "1", digest: undefined });
    expect(parseImageRef("node:24-slim")).toEqual({ domain: undefined, path: "node", tag: "24-slim", digest: undefined });
    expect(parseImageRef("org/app")).toEqual({ domain: undefined, path: "org/app", tag: undefined, digest: undefined });
    expect(parseImageRef("localhost/app@sha256:00")).toEqual({ domain: "localhost", path: "app", tag: undefined, digest: "sha256:00" });
  });

  it("normalizes to what containerd lists", () => {
    expect(normalizeImageRef("node:24-slim")).toBe("docker.io/library/node:24-slim");
    expect(normalizeImageRef("org/app")).toBe("docker.io/org/app:latest");
    expect(normalizeImageRef("devup.local/shop-api:abc")).toBe("devup.local/shop-api:abc");
    expect(normalizeImageRef("localhost:5001/shop-api:abc")).toBe("localhost:5001/shop-api:abc");
  });

  it("renames an image into a registry, dropping its own domain", () => {
    expect(registryImageRef("devup.local/shop-api:0123456789abcdef", "localhost:5001")).toBe("localhost:5001/shop-api:0123456789abcdef");
    expect(registryImageRef("ghcr.io/org/app", "registry.example.com/team")).toBe("registry.example.com/team/org/app:latest");
    expect(registryImageRef("node:24-slim", "localhost:5001")).toBe("localhost:5001/node:24-slim");
    expect(() => registryImageRef("app@sha256:00", "localhost:5001")).toThrow(/by digest/);
  });

  it("splits a reference into repository and tag", () => {
    expect(splitTag("localhost:5001/shop-api:abc")).toEqual({ repo: "localhost:5001/shop-api", tag: "abc" });
    expect(splitTag("localhost:5001/shop-api")).toEqual({ repo: "localhost:5001/shop-api", tag: "latest" });
  });
});
