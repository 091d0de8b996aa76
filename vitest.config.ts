import { defineConfig } from "vitest/config";

// Workspace packages resolve to their TypeScript sources in tests (the "source" export condition),
// so `vitest` needs no build first.
// Only "source" is passed on to Node for external packages: forcing "import" there would make
// client-node's require("ws") load ws's ESM wrapper and break its port-forwarding in tests.
export default defineConfig({
  resolve: { conditions: ["source", "import", "module", "node", "default"] },
  ssr: { resolve: { conditions: ["source", "node", "development|production"], externalConditions: ["source"] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.{ts,tsx}", "test/unit/**/*.test.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          globalSetup: ["test/e2e/global-setup.ts"],
          testTimeout: 15 * 60_000,
          hookTimeout: 60 * 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
