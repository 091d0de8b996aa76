import { describe, expect, it } from "vitest";
import { DevupError } from "@devup/errors";
import { assertContextAllowed } from "./context-guard.ts";

describe("assertContextAllowed", () => {
  it("allows devup's own contexts and contexts allowed by name", () => {
    expect(() => assertContextAllowed({ context: "kind-devup", createdByDevup: true, allowed: [] })).not.toThrow();
    expect(() => assertContextAllowed({ context: "staging", createdByDevup: false, allowed: ["staging"] })).not.toThrow();
  });

  it("refuses any other context, saying how to allow it", () => {
    let error: unknown;
    try {
      assertContextAllowed({ context: "prod-eu", createdByDevup: false, allowed: ["staging"] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DevupError);
    expect(error).toMatchObject({
      code: "E_CONTEXT_NOT_ALLOWED",
      message: 'refusing to deploy to kubeconfig context "prod-eu": devup did not create it',
      hint: "allow it by name: dev up --allow-context prod-eu, or list it under cluster.allowedContexts in dev.yaml",
    });
  });
});
