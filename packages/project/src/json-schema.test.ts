import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { devFileJsonSchema, serviceFileJsonSchema } from "./json-schema.ts";

const schemaDir = fileURLToPath(new URL("../../../schema/", import.meta.url));

describe("checked-in JSON Schemas", () => {
  it.each([
    ["dev.schema.json", devFileJsonSchema],
    ["service.schema.json", serviceFileJsonSchema],
  ])("%s is generated from the zod schema (run `pnpm gen` when this fails)", (file, generate) => {
    expect(readFileSync(schemaDir + file, "utf8")).toBe(`${JSON.stringify(generate(), null, 2)}\n`);
  });

  it("describes fields and rejects unknown keys, for editors", () => {
    const schema = serviceFileJsonSchema() as { properties: Record<string, { description?: string }>; additionalProperties: boolean };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.replicas?.description).toMatch(/spread across nodes/);
  });
});
