// Type-aware lint for the whole workspace.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const noDeepImports = {
  patterns: [
    {
      group: ["@devup/*/src/*", "@devup/*/dist/*", "@devup/*/src", "@devup/*/dist"],
      message: "Import a package through its entry point (its src/index.ts is its contract).",
    },
    {
      regex: "^(\\.\\./)+(\\.\\./)(packages/)?[a-z-]+/src",
      message: "Do not reach into another package with a relative path: depend on it and import @devup/<name>.",
    },
  ],
};

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", ".tools/**", "services/**", "test/fixtures/**", "**/*.js", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ["vitest.config.ts"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-imports": ["error", noDeepImports],
    },
  },
  {
    // The pure core: no I/O, no processes. Adapters are passed in.
    files: ["packages/manifests/src/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          ...noDeepImports,
          paths: ["node:fs", "node:fs/promises", "node:child_process", "node:net", "node:http"].map((name) => ({
            name,
            message: "packages/manifests is pure: do the I/O in an adapter and pass the result in.",
          })),
        },
      ],
    },
  },
);
