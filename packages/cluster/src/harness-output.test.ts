import { describe, expect, it } from "vitest";
import { parseHarnessOutput } from "./harness-output.ts";

describe("parseHarnessOutput", () => {
  it("reads the KEY=VALUE lines, values as written (also empty or holding '=')", () => {
    expect(parseHarnessOutput("KIND=/cache/bin/kind-v0.30.0/kind\r\n  NODE_IMAGE=devup.local/kind-node:v1.34\nTRAEFIK_IMAGE=\nOPTS=a=b\n")).toEqual({
      KIND: "/cache/bin/kind-v0.30.0/kind",
      NODE_IMAGE: "devup.local/kind-node:v1.34",
      TRAEFIK_IMAGE: "",
      OPTS: "a=b",
    });
  });

  it("ignores progress lines, lower-case keys and keys that do not start with a letter", () => {
    expect(parseHarnessOutput("building kind…\nkind=/x\n_KIND=/y\n1KIND=/z\nKIND: /w\n= nothing\n")).toEqual({});
  });
});
