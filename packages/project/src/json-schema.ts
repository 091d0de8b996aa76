/** JSON Schemas for editors, generated from the zod schema (the input form: defaults are optional). */
import { z } from "./zod.ts";
import { DevFile, ServiceFile } from "./schema.ts";

function generate(schema: z.ZodType, id: string, title: string): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: "input", target: "draft-2020-12", unrepresentable: "any" });
  return { $id: id, title, ...json };
}

export function devFileJsonSchema(): Record<string, unknown> {
  return generate(DevFile, "https://devup.dev/schema/dev.schema.json", "devup project (dev.yaml)");
}

export function serviceFileJsonSchema(): Record<string, unknown> {
  return generate(ServiceFile, "https://devup.dev/schema/service.schema.json", "devup service (service.yaml)");
}
