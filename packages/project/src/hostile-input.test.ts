// Hostile and careless files on disk: each is refused with an error naming the file, quickly, and
// never as an exception (exit 70). Real files in a temp folder, read the way `dev` reads them.
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { importCompose } from "./compose/convert.ts";
import { formatDiagnostic } from "./diagnostics.ts";
import { nodeProjectFs, readProjectSources, readSourceFile } from "./load.ts";
import { MAX_NESTING } from "./source.ts";
import { validateProject } from "./validate.ts";

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A project folder holding `files` (relative path → content), validated as `dev validate` does. */
function validateOnDisk(files: Record<string, string | Buffer | { sparseBytes: number }>) {
  dir = mkdtempSync(join(tmpdir(), "devup-hostile-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    if (typeof content === "object" && "sparseBytes" in content) {
      writeFileSync(join(dir, path), "");
      truncateSync(join(dir, path), content.sparseBytes);
    } else writeFileSync(join(dir, path), content);
  }
  const started = performance.now();
  const result = validateProject(readProjectSources(dir), nodeProjectFs(dir));
  return { errors: result.errors.map(formatDiagnostic), ms: performance.now() - started };
}

const utf16 = (text: string, bom: "le" | "be" | "none") => {
  const le = Buffer.from(text, "utf16le");
  if (bom === "none") return le;
  return bom === "le" ? Buffer.concat([Buffer.from([0xff, 0xfe]), le]) : Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()]);
};
const DEEP = 100_000;

describe("hostile spec files", () => {
  it.each([
    ["100k-deep flow sequences", `name: shop\nx: ${"[".repeat(DEEP)}${"]".repeat(DEEP)}\n`, `dev.yaml:2:${MAX_NESTING + 4}: error: YAML nesting deeper than ${MAX_NESTING} levels`],
    ["40k-deep flow maps (under the size limit)", `name: shop\nx: ${"{a: ".repeat(40_000)}1${"}".repeat(40_000)}\n`, "dev.yaml:2:404: error: YAML nesting deeper than"],
    ["100k-deep compact block sequences", `name: shop\nx:\n${"- ".repeat(DEEP)}a\n`, "dev.yaml:3:201: error: YAML nesting deeper than"],
    ["a 50 MB file", { sparseBytes: 50 * 1024 * 1024 }, "dev.yaml:1:1: error: the file is 50.0 MiB; a spec or compose file may be at most 256 KiB"],
    ["a binary file", Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x00, 0xff, 0x10, 0x00]), "dev.yaml:1:1: error: the file is binary (it holds NUL bytes), not YAML text"],
    ["a UTF-16 file with a little-endian BOM", utf16("name: shop\n", "le"), "dev.yaml:1:1: error: the file is UTF-16 text; save it as UTF-8"],
    ["a UTF-16 file with a big-endian BOM", utf16("name: shop\n", "be"), "dev.yaml:1:1: error: the file is UTF-16 text; save it as UTF-8"],
    ["a UTF-16 file without a BOM", utf16("name: shop\n", "none"), "dev.yaml:1:1: error: the file looks like UTF-16 text (without a byte order mark)"],
    ["a Latin-1 file", Buffer.from("name: caf\xe9\n", "latin1"), "dev.yaml:1:1: error: the file is not UTF-8 text"],
  ])("%s: an error naming dev.yaml, in bounded time", (_, content, expected) => {
    const { errors, ms } = validateOnDisk({ "dev.yaml": content });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(expected);
    expect(ms).toBeLessThan(2000);
  });

  it("names the service file that is hostile, and still validates the rest", () => {
    const { errors } = validateOnDisk({
      "dev.yaml": "name: shop\n",
      "services/web/service.yaml": utf16("image: nginx\n", "le"),
      "services/api/service.yaml": "image: nginx\nreplicas: many\n",
    });
    expect(errors).toEqual([
      expect.stringMatching(/^services\/api\/service\.yaml:2:11: error: services\.api\.replicas: /),
      "services/web/service.yaml:1:1: error: the file is UTF-16 text; save it as UTF-8 (in most editors: Save with Encoding → UTF-8)",
    ]);
  });

  it("reads a UTF-8 file with a byte order mark", () => {
    expect(validateOnDisk({ "dev.yaml": Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("name: shop\n")]) }).errors).toEqual([]);
  });

  it("reports duplicate keys in a map of 15,000 keys quickly (the check is linear)", () => {
    const keys = Array.from({ length: 15_000 }, (_, i) => `      E${i}: x\n`).join("");
    const { errors, ms } = validateOnDisk({ "dev.yaml": `name: shop\nservices:\n  web:\n    image: x\n    env:\n${keys}      E7: again\n` });
    expect(errors).toEqual([expect.stringMatching(/^dev\.yaml:15006:7: error: YAML syntax: Map keys must be unique; "E7" is repeated/)]);
    expect(ms).toBeLessThan(2000);
  });
});

describe("files a spec points at", () => {
  const service = "image: nginx\nconfig:\n  files:\n    index.html: index.html\nsecrets:\n  files:\n    keystore: keystore.p12\n";

  it("refuses config and secret files that are not UTF-8 text instead of mangling them", () => {
    const { errors } = validateOnDisk({
      "dev.yaml": "name: shop\n",
      "services/web/service.yaml": service,
      "services/web/index.html": Buffer.from("<p>caf\xe9</p>\n", "latin1"),
      "services/web/keystore.p12": Buffer.from([0x30, 0x82, 0xff, 0xfe, 0x00, 0x01]),
    });
    expect(errors).toEqual([
      'services/web/service.yaml:4:17: error: services.web.config.files["index.html"]: config file "services/web/index.html" is not UTF-8 text (a binary file, or text saved in another encoding such as Latin-1); save it as UTF-8 (in most editors: Save with Encoding → UTF-8)',
      'services/web/service.yaml:7:15: error: services.web.secrets.files.keystore: secret file "services/web/keystore.p12" is not UTF-8 text (a binary file, or text saved in another encoding such as Latin-1); save it as UTF-8 (in most editors: Save with Encoding → UTF-8)',
    ]);
  });

  it("refuses a config file over 1 MiB before reading it", () => {
    const { errors } = validateOnDisk({
      "dev.yaml": "name: shop\n",
      "services/web/service.yaml": "image: nginx\nconfig:\n  files:\n    disk.img: disk.img\n",
      "services/web/disk.img": { sparseBytes: 300 * 1024 * 1024 },
    });
    expect(errors).toEqual(['services/web/service.yaml:4:15: error: services.web.config.files["disk.img"]: config file "services/web/disk.img" is 300.0 MiB; a ConfigMap or Secret holds at most 1 MiB']);
  });

  it("reads UTF-8 config and secret files as they are", () => {
    const { errors } = validateOnDisk({
      "dev.yaml": "name: shop\n",
      "services/web/service.yaml": service,
      "services/web/index.html": "<p>café ☕</p>\n",
      "services/web/keystore.p12": "not really binary\n",
    });
    expect(errors).toEqual([]);
  });
});

describe("hostile compose files", () => {
  it.each([
    ["UTF-16", utf16("services: {}\n", "le"), "compose.yaml:1:1: error: the file is UTF-16 text"],
    ["100k deep", `services:\n  web: ${"[".repeat(DEEP)}${"]".repeat(DEEP)}\n`, "compose.yaml:2:"],
    ["50 MB", { sparseBytes: 50 * 1024 * 1024 }, "compose.yaml:1:1: error: the file is 50.0 MiB"],
  ])("%s: an error naming the compose file", (_, content, expected) => {
    dir = mkdtempSync(join(tmpdir(), "devup-hostile-"));
    const file = join(dir, "compose.yaml");
    if (typeof content === "object" && "sparseBytes" in content) {
      writeFileSync(file, "");
      truncateSync(file, content.sparseBytes);
    } else writeFileSync(file, content);
    const started = performance.now();
    const { value, errors } = importCompose({ files: ["compose.yaml"], readFile: () => undefined, readSource: () => readSourceFile(file, "compose.yaml"), env: {} }, "shop");
    expect(performance.now() - started).toBeLessThan(2000);
    expect(value).toBeUndefined();
    expect(errors.map(formatDiagnostic)[0]).toContain(expected);
  });
});
