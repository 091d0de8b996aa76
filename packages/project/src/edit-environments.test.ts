import { describe, expect, it } from "vitest";
import { cloneEnvironmentOverlay } from "./edit-environments.ts";

const dev = `# the shop
name: shop # project name
environments:
  local: {}
  staging:
    namespace: shop-stage # its own
    services:
      users: { replicas: 2 } # two of them
    env:
      LOG_LEVEL: info
`;

describe("cloneEnvironmentOverlay", () => {
  it("adds a copy of the overlay without its namespace, keeping comments and formatting", () => {
    expect(cloneEnvironmentOverlay(dev, "staging", "qa")).toBe(`${dev}  qa:
    services:
      users: { replicas: 2 } # two of them
    env:
      LOG_LEVEL: info
`);
  });

  it("copies the implicit local environment as an empty overlay, creating environments if needed", () => {
    expect(cloneEnvironmentOverlay("name: shop\n", "local", "qa")).toBe("name: shop\nenvironments:\n  qa: {}\n");
    expect(cloneEnvironmentOverlay(dev, "local", "qa")).toBe(`${dev}  qa: {}\n`);
  });

  it("refuses an existing target with its position, and an unknown source", () => {
    expect(() => cloneEnvironmentOverlay(dev, "local", "staging")).toThrow('dev.yaml:5:3: environment "staging" already exists');
    expect(() => cloneEnvironmentOverlay(dev, "prod", "qa")).toThrow('environment "prod" is not defined in dev.yaml');
  });
});
