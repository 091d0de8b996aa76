import { describe, expect, it } from "vitest";
import { validateFiles } from "./validate.ts";

describe("a service file with errors", () => {
  const files = (users: string) => ({
    "dev.yaml": "name: shop\nenvironments:\n  staging:\n    services:\n      users: { replicas: 2 }\n",
    "services/users/service.yaml": users,
    "services/website/service.yaml": "image: web:1\ndependsOn: [users]\n",
  });

  for (const [what, users] of [
    ["a schema error", "image: users:1\nreplicas: many\n"],
    ["a YAML syntax error", "image: users:1\nreplicas: [2\n"],
  ] as const) {
    it(`(${what}) is reported in that file only, not again by every reference to the service`, () => {
      const r = validateFiles(files(users), { environment: "staging" });
      expect(r.errors.length).toBeGreaterThan(0);
      expect(r.errors.map((e) => e.file)).toEqual(r.errors.map(() => "services/users/service.yaml"));
      expect(r.errors.map((e) => e.message).join("\n")).not.toMatch(/no service (is named|has that name)/);
    });
  }

  it("a reference to a service that really does not exist is still an error", () => {
    const r = validateFiles({ ...files("image: users:1\n"), "services/website/service.yaml": "image: web:1\ndependsOn: [user]\n" });
    expect(r.errors.map((e) => e.message)).toEqual([expect.stringMatching(/depends on "user", but no service has that name; did you mean "users"\?/)]);
  });
});
