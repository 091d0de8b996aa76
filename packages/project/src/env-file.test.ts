import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "./diagnostics.ts";
import { malformedEnvLines } from "./resolve-service.ts";
import { validateFiles } from "./validate.ts";

describe("a malformed secrets env file", () => {
  it("finds the lines Node's parser would drop, quoted values over several lines aside", () => {
    const text = ["# comment", "API_TOKEN=abc", "export DB_URL = postgres://x", "", "API_KEY hunter2", 'CERT="-----BEGIN', "MIIB...", '-----END"', "=novalue", "A.B-c='x'"].join("\n");
    expect(malformedEnvLines(text)).toEqual([5, 9]);
    expect(malformedEnvLines("A=1\nB=2\n")).toEqual([]);
  });

  it("is an error at the spec line that names the file and the line numbers, never the line's text", () => {
    const r = validateFiles({
      "dev.yaml": "name: shop\n",
      "services/api/service.yaml": "image: api:1\nsecrets:\n  envFile: secret.env\n",
      "services/api/secret.env": "API_URL=http://x\nAPI_TOKEN hunter2\n",
    });
    const text = r.errors.map(formatDiagnostic).join("\n");
    expect(text).toMatch(/services\/api\/service\.yaml:3:\d+: error: services\.api\.secrets\.envFile: services\/api\/secret\.env: line 2 is not KEY=value/);
    expect(text).not.toContain("hunter2");
  });
});
