// Issue 6 §5: `dev logs` on the real cluster parses the samples' JSON log lines: level and message
// shown, the other fields with --fields (secret-looking names redacted), the line as written with --raw.
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, expect, it } from "vitest";
import { e2eCluster, repoRoot } from "../harness.ts";
import { devJson, ofType, sampleProject, type SampleProject } from "../up/project.ts";

let project: SampleProject;

beforeAll(async () => {
  e2eCluster();
  // No forwards are started (dev apply); the offset keeps the spec's ports inside this helper's range anyway.
  project = await sampleProject("rl-logs", 17400);
});

afterAll(async () => {
  if (project) {
    await devJson(project.dir, ["down"]);
    await project.cleanup();
  }
});

const logsText = async (args: string[]) => (await execa(process.execPath, [join(repoRoot, "packages/cli/dist/main.js"), "logs", "users", "--tail", "50", ...args, "--cwd", project.dir])).stdout.split("\n");

it("dev logs shows JSON lines as time LEVEL message, fields on demand, raw as written", async () => {
  const applied = await devJson(project.dir, ["apply"]);
  expect(applied.code, JSON.stringify(applied.events.slice(-3))).toBe(0);

  const plain = await logsText([]);
  const listening = plain.find((l) => l.includes("listening"));
  expect(listening).toMatch(/^\[users [a-z0-9]+-[a-z0-9]+\] \d\d:\d\d:\d\d\.\d{3} INFO {2}listening$/);

  const fields = await logsText(["--fields"]);
  expect(fields.find((l) => l.includes("listening"))).toMatch(/ INFO {2}listening service=users port=8080 version=dev$/);

  const raw = await logsText(["--raw"]);
  const line = raw.find((l) => l.includes("listening"))!;
  expect(JSON.parse(line.replace(/^\[[^\]]+\] /, ""))).toMatchObject({ level: "info", service: "users", msg: "listening", port: 8080 });

  const json = await devJson(project.dir, ["logs", "users", "--tail", "50"]);
  const event = ofType(json.events, "log").find((e) => e.msg === "listening");
  expect(event).toMatchObject({ service: "users", level: "info" });
  expect(String(event?.text)).toContain('"msg":"listening"');
});
