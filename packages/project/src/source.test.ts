import { describe, expect, it } from "vitest";
import { parseYaml } from "./source.ts";

describe("parseYaml", () => {
  it("applies YAML merge keys and accepts hundreds of aliases in a legitimate file", () => {
    let text = "x-defaults: &defaults { restart: always, image: app }\nservices:\n";
    for (let i = 0; i < 300; i++) text += `  s${i}:\n    <<: *defaults\n    labels: *defaults\n`;
    const { parsed, errors } = parseYaml({ path: "compose.yaml", text });
    expect(errors).toEqual([]);
    const services = (parsed?.value as { services: Record<string, unknown> }).services;
    expect(Object.keys(services)).toHaveLength(300);
    expect(services.s299).toEqual({ restart: "always", image: "app", labels: { restart: "always", image: "app" } });
  });

  it("reports an alias bomb as an error in the file instead of expanding it", () => {
    const levels = "abcdefghi".split("");
    const lines = [`a: &a [${Array(9).fill('"x"').join(",")}]`];
    for (let i = 1; i < levels.length; i++) lines.push(`${levels[i]}: &${levels[i]} [${Array(9).fill(`*${levels[i - 1]}`).join(",")}]`);
    const { parsed, errors } = parseYaml({ path: "dev.yaml", text: lines.join("\n") });
    expect(parsed).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: "dev.yaml", line: 1, severity: "error" });
    expect(errors[0]?.message).toMatch(/aliases expand too much/);
  });

  it("reports a merge key whose value is not a map at that key (found by the fuzz test)", () => {
    const { parsed, errors } = parseYaml({ path: "dev.yaml", text: 'name: shop\nx:\n  <<: ["012", { a: 1 }]\n' });
    expect(parsed).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: "dev.yaml", line: 3, column: 3 });
    expect(errors[0]?.message).toMatch(/^YAML: Merge sources must be maps or map aliases/);
    expect(parseYaml({ path: "dev.yaml", text: "a: &a { b: 1 }\nx:\n  <<: [*a, { c: 2 }]\n" }).errors).toEqual([]);
  });
});
