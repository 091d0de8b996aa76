import { describe, expect, it } from "vitest";
import { syncedFilesObject } from "./synced-files.ts";

describe("syncedFilesObject", () => {
  it("a ConfigMap named after the service with the tar (base64) and the deleted paths, carrying the given labels", () => {
    const o = syncedFilesObject("shop", "api", { "devup.dev/project": "shop" }, Buffer.from("tar bytes"), ["/app/src/old.js"]);
    expect(o).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "api-devup-sync", namespace: "shop", labels: { "devup.dev/project": "shop" } },
      data: { deleted: "/app/src/old.js" },
      binaryData: { "files.tar": Buffer.from("tar bytes").toString("base64") },
    });
  });

  it("nothing past what a ConfigMap can hold (the re-sync still catches up)", () => {
    expect(syncedFilesObject("shop", "api", {}, Buffer.alloc(800 * 1024), [])).toBeUndefined();
  });
});
