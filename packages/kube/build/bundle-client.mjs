// Replaces dist/k8s.js (a re-export of @kubernetes/client-node) with one minified ES module of
// client-node and everything it imports but Node's own modules. Run by `build`, after tsc.
//   node build/bundle-client.mjs [OUT]     (default: dist/k8s.js; src/k8s-bundle.test.ts writes a temp one)
// client-node is ~870 ES modules (every API group and ~1,400 models, which its serializer
// references); loading them one by one cost a `dev up` ~0.3 s and ~55 MB.
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import { rolldown } from "rolldown";

const entry = fileURLToPath(import.meta.resolve("@kubernetes/client-node"));
const out = process.argv[2] ?? fileURLToPath(new URL("../dist/k8s.js", import.meta.url));
const bundle = await rolldown({
  input: entry,
  platform: "node",
  external: (id) => id.startsWith("node:") || builtinModules.includes(id),
  logLevel: "warn",
});
// keepNames: error and class names stay readable (ApiException, V1Pod) in messages and stacks.
await bundle.write({ file: out, format: "esm", codeSplitting: false, minify: true, keepNames: true });
await bundle.close();
