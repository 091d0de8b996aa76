import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { emitYaml } from "./emit-yaml.ts";

const tricky = {
  plain: "devup.local/shop-users:0123456789ab",
  words: ["yes", "No", "on", "OFF", "y", "true", "null", "~", ""],
  numbers: ["80", "0x1F", "1e3", "1:20", "2024-01-02", "+1", "-1", ".5", "25%", "0123"],
  punctuation: ["a: b", "a #b", "#x", "- x", "*x", "&x", "!x", "%x", "@x", "`x", "x:", "'q'", '"q"', "{a}", "[a]", "a,b", "http://x.test/y", "<redacted>"],
  multiline: ["a\nb\n", "a\nb", "a\n\n", " lead\nx\n", "\nlead", "tab\there\n", "cr\r\nlf\n", "x\n  indented\n\ny\n"],
  unicode: "grüße ✓",
  nested: [[1, 2], [], {}, { a: [] }, [{ b: { c: null } }]],
  empty: {},
  list: [{ name: "http", containerPort: 8080, protocol: "TCP" }, { name: "x", env: [{ name: "A", value: "1" }] }],
  bool: true,
  zero: 0,
  float: 0.25,
  "key with space": 1,
  "app.kubernetes.io/name": "users",
};

describe("emitYaml", () => {
  it("round-trips tricky values through a YAML parser", () => {
    expect(parse(emitYaml(tricky))).toEqual(tricky);
  });

  it("round-trips as YAML 1.1 too (kubectl's dialect)", () => {
    expect(parse(emitYaml(tricky), { version: "1.1" })).toEqual(tricky);
  });

  it("writes Kubernetes-style block YAML", () => {
    expect(emitYaml({ a: { b: [{ c: 1, d: "x" }, "z"] }, e: "line1\nline2\n" })).toBe("a:\n  b:\n    - c: 1\n      d: x\n    - z\ne: |\n  line1\n  line2\n");
  });
});
