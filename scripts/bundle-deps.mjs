// Replaces a package's dist/<name>.js — a re-export of one dependency, as tsc emits src/<name>.ts —
// with one minified ES module of that dependency and everything it imports but Node's own modules.
// Run by the build of the package, after tsc:
//   node ../../scripts/bundle-deps.mjs dist/k8s.js [dist/zod.js ...]      (each file replaced)
//   node scripts/bundle-deps.mjs --out OUT IN                             (tests: IN bundled into OUT)
// Why: a dependency made of hundreds of small ES modules (client-node ~870, zod ~95, yaml ~70) costs
// each command that loads it a resolve, read and link per module; one file loads several times faster
// and smaller (docs/architecture.md, kube and project). Without this step the re-exports work the same.
import { builtinModules } from "node:module";
import { resolve } from "node:path";
import { rolldown } from "rolldown";

const args = process.argv.slice(2);
const jobs = args[0] === "--out" ? [[args[2], args[1]]] : args.map((file) => [file, file]);
if (jobs.length === 0 || jobs.some(([input, out]) => !input || !out)) {
  console.error("usage: bundle-deps.mjs DIST_FILE... | --out OUT IN");
  process.exit(2);
}
for (const [input, out] of jobs) {
  const bundle = await rolldown({
    input: resolve(input),
    platform: "node",
    external: (id) => id.startsWith("node:") || builtinModules.includes(id),
    logLevel: "warn",
  });
  // keepNames: class and function names stay readable (ApiException, YAMLParseError) in messages and stacks.
  await bundle.write({ file: resolve(out), format: "esm", codeSplitting: false, minify: true, keepNames: true });
  await bundle.close();
}
