// Writes schema/*.json from the zod schema. Run with `pnpm gen` (Node runs this TypeScript directly).
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { devFileJsonSchema, serviceFileJsonSchema } from "./json-schema.ts";

const out = fileURLToPath(new URL("../../../schema/", import.meta.url));
writeFileSync(`${out}dev.schema.json`, `${JSON.stringify(devFileJsonSchema(), null, 2)}\n`);
writeFileSync(`${out}service.schema.json`, `${JSON.stringify(serviceFileJsonSchema(), null, 2)}\n`);
console.log(`wrote ${out}dev.schema.json and service.schema.json`);
