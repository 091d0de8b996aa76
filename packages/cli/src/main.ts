#!/usr/bin/env node
// The `dev` binary. Kept tiny so `dev --version` starts fast: everything else loads on demand.
import * as nodeModule from "node:module";

// An installed `dev` runs on whatever Node the user has: say what it needs instead of a SyntaxError.
if (Number(process.versions.node.split(".")[0]) < 22) {
  process.stderr.write(`devup needs Node >= 22.12; this is Node ${process.versions.node} (${process.execPath}). Install a newer Node (nodejs.org, brew install node, fnm or nvm), then run dev again.\n`);
  process.exit(1);
}

// V8 keeps the compiled code of devup's modules on disk between runs (Node >= 22.1): faster starts.
nodeModule.enableCompileCache();

// A closed pipe (`dev render --out - | head`) ends the output; it is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-v")) {
  const { version } = nodeModule.createRequire(import.meta.url)("../package.json") as { version: string };
  process.stdout.write(`devup ${version}\n`);
} else {
  const { run } = await import("./run.ts");
  process.exitCode = await run(args);
}
