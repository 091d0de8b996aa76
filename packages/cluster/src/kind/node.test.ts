import { describe, expect, it } from "vitest";
import { parseImageList } from "./node.ts";

describe("node image list", () => {
  it("normalizes references and drops digest-only entries", () => {
    const out = [
      "devup.local/shop-api:abc",
      "docker.io/library/node:24-slim",
      "import-2026-11-22@sha256:067b5d51102a51246fefa1c471343c08114172c75953434af35ce8bce89abf30",
      "registry.k8s.io/pause:3.10.1",
      "sha256:14cacecd0124f5f8495e6b73e46dd9bdc3dc6a3bca46e38825554cd6d2945832",
      "",
    ].join("\n");
    expect([...parseImageList(out)]).toEqual(["devup.local/shop-api:abc", "docker.io/library/node:24-slim", "registry.k8s.io/pause:3.10.1"]);
  });
});
