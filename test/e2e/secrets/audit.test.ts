// The secrets audit: a recognisable secret in every place a secret can be (a service's env file, a
// secret file, an environment overlay that refers to it, a compose file's secrets), then every
// command runs for real (validate, render, up/apply in text and NDJSON, status, logs, rollback, env
// clone/promote, run-local, the screen, ci) and everything printed and written is searched for the
// values and their base64: files in the project, the deploy-history ConfigMaps, every other object
// but the Secrets themselves, and the built images' layers and labels.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { e2eCluster, offlineTools, repoRoot, type E2ECluster } from "../harness.ts";
import { devJson, devLong, sampleProject, type SampleProject } from "../up/project.ts";

const CLI = join(repoRoot, "packages/cli/dist/main.js");
const NAME = "e2e-audit";
const PORT_OFFSET = 14000; // this test's forwards: 22080–22082 (dev up), 23080–23082 (run-local)
const unique = () => `audit-${randomBytes(9).toString("hex")}`;
const SECRETS = { envFile: unique(), file: unique(), compose: unique() };
/** Every form a leak could take: the value and its base64 (as in a Secret's data). */
const needles = Object.values(SECRETS).flatMap((s) => [s, Buffer.from(s).toString("base64")]);

let cluster: E2ECluster;
let project: SampleProject;
/** Everything a command printed, labelled with the command. */
const printed: Array<{ command: string; text: string }> = [];

async function dev(args: string[], options: { json?: boolean } = {}): Promise<number> {
  const started = Date.now();
  try {
    return await devOnce(args, options);
  } finally {
    console.log(`secrets audit: dev ${args.join(" ")}${options.json ? " --output json" : ""} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

async function devOnce(args: string[], options: { json?: boolean }): Promise<number> {
  if (options.json) {
    const r = await devJson(project.dir, args);
    printed.push({ command: `dev ${args.join(" ")} --output json`, text: JSON.stringify(r.events) + r.stderr });
    return r.code;
  }
  const r = await execa(process.execPath, [CLI, ...args, "--cwd", project.dir], { reject: false, timeout: 10 * 60_000 });
  printed.push({ command: `dev ${args.join(" ")}`, text: r.stdout + r.stderr });
  return r.exitCode ?? -1;
}

function leaks(text: string): string[] {
  return needles.filter((n) => text.includes(n));
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

const kubectl = (...args: string[]) => execFileSync(offlineTools().all.KUBECTL ?? "kubectl", ["--kubeconfig", cluster.kubeconfig, ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });

beforeAll(async () => {
  cluster = e2eCluster();
  project = await sampleProject(NAME, PORT_OFFSET);
  // 1. the users service's env file (git-ignored), used as env and by an environment overlay
  await writeFile(join(project.dir, "services/users/secret.env"), `API_TOKEN=${SECRETS.envFile}\n`, { mode: 0o600 });
  // 2. a secret file mounted into the users container
  await mkdir(join(project.dir, "services/users/secrets"));
  await writeFile(join(project.dir, "services/users/secrets/signing.key"), `${SECRETS.file}\n`, { mode: 0o600 });
  await project.edit("services/users/service.yaml", "  asEnv: false\n", "  asEnv: false\n  files:\n    signing.key: secrets/signing.key\n");
  // 3. an environment overlay whose env refers to the secret
  await project.edit("dev.yaml", "      LOG_LEVEL: info\n", "      LOG_LEVEL: info\n  audit2:\n    env:\n      AUDIT_LEVEL: debug\n");
});

afterAll(async () => {
  if (!project) return;
  await dev(["down"]).catch(() => undefined);
  await dev(["down", "--env", "audit2"]).catch(() => undefined);
  await project.cleanup();
});

describe("secrets audit", () => {
  it("no command prints or writes a secret value, and no object or image but the Secret holds one", async () => {
    expect(await dev(["validate"])).toBe(0);
    expect(await dev(["validate"], { json: true })).toBe(0);
    expect(await dev(["render"])).toBe(0);
    expect(await dev(["render", "--out", "-"])).toBe(0);
    expect(await dev(["up", "--no-forward"], { json: true })).toBe(0);
    expect(await dev(["status"])).toBe(0);
    expect(await dev(["status"], { json: true })).toBe(0);
    expect(await dev(["logs", "users"])).toBe(0);
    expect(await dev(["logs", "--fields"])).toBe(0);
    // A second revision (a config change), then a rollback to the first.
    await project.edit("services/users/service.yaml", "greeting: hello from users", "greeting: audited hello");
    expect(await dev(["apply"])).toBe(0);
    expect(await dev(["rollback", "users", "--list"])).toBe(0);
    expect(await dev(["rollback", "users"], { json: true })).toBe(0);
    expect(await dev(["env", "clone", "local", "audit3", "--yes"])).toBe(0);
    expect(await dev(["env", "promote", "local", "audit2", "--yes"], { json: true })).toBe(0);

    // run-local: the same spec as containers, until Ctrl-C.
    const local = devLong(project.dir, ["run-local", "--no-watch"]);
    await local.waitFor("summary", 5 * 60_000);
    local.process.kill("SIGINT");
    const localResult = await local.process;
    printed.push({ command: "dev run-local --output json", text: JSON.stringify(local.events) + String(localResult.stderr ?? "") });

    // The screen: all services' logs and the details view, as a terminal shows them.
    printed.push({ command: "dev up (screen)", text: await screenText() });

    for (const p of printed) expect(leaks(p.text), `printed by ${p.command}`).toEqual([]);

    // Files the commands wrote in the project (the secret sources themselves aside); files that
    // hold secrets are private.
    const sources = new Set(["services/users/secret.env", "services/users/secrets/signing.key"]);
    for (const file of await filesUnder(project.dir)) {
      const rel = relative(project.dir, file);
      if (sources.has(rel)) {
        expect((await stat(file)).mode & 0o077, rel).toBe(0);
        continue;
      }
      expect(leaks(await readFile(file, "latin1")), rel).toEqual([]);
    }
    // render --include-secrets writes them on request, 0600.
    expect(await dev(["render", "--include-secrets", "--out", "k8s/with-secrets"])).toBe(0);
    const secretFiles = (await filesUnder(join(project.dir, "k8s/with-secrets"))).filter((f) => /^\d+-secret-/.test(basename(f)));
    expect(secretFiles.length).toBeGreaterThan(0);
    const withSecrets = await Promise.all(secretFiles.map((f) => readFile(f, "utf8")));
    expect(withSecrets.join("")).toMatch(new RegExp(`${SECRETS.envFile}|${Buffer.from(SECRETS.envFile).toString("base64")}`));
    for (const f of secretFiles) expect((await stat(f)).mode & 0o777, f).toBe(0o600);

    // Every object in the project's namespaces but the Secrets (the history ConfigMaps among them).
    for (const ns of [NAME, `${NAME}-audit2`, `${NAME}-audit3`]) {
      const kinds = "configmaps,deployments,replicasets,pods,services,ingresses,events,jobs";
      const text = kubectl("get", kinds, "-n", ns, "-o", "yaml", "--ignore-not-found");
      expect(leaks(text), `objects in ${ns}`).toEqual([]);
      const histories = kubectl("get", "configmaps", "-n", ns, "-o", "name", "--ignore-not-found");
      if (ns === NAME) expect(histories).toContain("configmap/devup-history-users");
    }
    expect(kubectl("get", "secret", "users-secrets", "-n", NAME, "-o", "jsonpath={.data.API_TOKEN}")).toBe(Buffer.from(SECRETS.envFile).toString("base64"));

    // The built images: their layers and labels.
    const images = execFileSync("docker", ["images", "--format", "{{.Repository}}:{{.Tag}}", "--filter", `reference=devup.local/${NAME}-*`], { encoding: "utf8" }).split("\n").filter(Boolean);
    expect(images.length).toBeGreaterThanOrEqual(3);
    for (const image of images) {
      const saved = execFileSync("docker", ["save", image], { maxBuffer: 1024 * 1024 * 1024 });
      expect(leaks(saved.toString("latin1")), `layers of ${image}`).toEqual([]);
      expect(leaks(execFileSync("docker", ["image", "inspect", image], { encoding: "utf8" })), `labels of ${image}`).toEqual([]);
    }

    // ci last: it deploys, tests and removes what it deployed.
    expect(await dev(["ci"], { json: true })).toBe(0);
    expect(leaks(printed.at(-1)!.text), "printed by dev ci").toEqual([]);
  });

  it("compose secrets: import, validate and render keep them out of what they print and write", async () => {
    const dir = await mkdtemp(join(tmpdir(), "devup-audit-compose-"));
    try {
      await writeFile(join(dir, "db_password.txt"), `${SECRETS.compose}\n`, { mode: 0o600 });
      await writeFile(
        join(dir, "compose.yaml"),
        [
          "services:",
          "  db:",
          "    image: postgres:16",
          "    environment:",
          "      POSTGRES_PASSWORD_FILE: /run/secrets/db_password",
          "    secrets: [db_password]",
          "secrets:",
          "  db_password:",
          "    file: ./db_password.txt",
          "",
        ].join("\n"),
      );
      const run = (args: string[]) => execa(process.execPath, [CLI, ...args, "--cwd", dir], { reject: false });
      for (const args of [["import", "compose"], ["validate"], ["render"], ["render", "--out", "-"]]) {
        const r = await run(args);
        expect(r.exitCode, `dev ${args.join(" ")}: ${r.stderr}`).toBe(0);
        expect(leaks(r.stdout + r.stderr), `printed by dev ${args.join(" ")}`).toEqual([]);
      }
      for (const file of await filesUnder(dir)) {
        const rel = relative(dir, file);
        const text = await readFile(file, "latin1");
        if (leaks(text).length > 0) {
          // Only the user's own secret file (or a copy devup keeps for it) may hold the value, privately.
          expect(rel, "a file that holds the compose secret").not.toMatch(/^k8s\//);
          expect((await stat(file)).mode & 0o077, rel).toBe(0);
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** `dev up` on a terminal (tmux), the all-services log pane and the details view, then q. */
async function screenText(): Promise<string> {
  const socket = "devup-audit-e2e";
  const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, "-f", "/dev/null", ...args], { encoding: "utf8" });
  try {
    execFileSync("sh", ["-c", "command -v tmux"], { stdio: "ignore" });
  } catch {
    return ""; // the tui e2e test installs tmux; without it this part is covered by nothing here
  }
  // The pane outlives the command, so a dev up that exits early leaves its last words to read.
  const command = `${process.execPath} ${CLI} up --cwd ${project.dir}; echo "dev up exited $?"; sleep 600`;
  tmux("new-session", "-d", "-s", "audit", "-x", "160", "-y", "50", command);
  const captured: string[] = [];
  const capture = () => captured.push(tmux("capture-pane", "-p", "-t", "audit", "-S", "-200"));
  try {
    const deadline = Date.now() + 3 * 60_000;
    const screenNow = () => tmux("capture-pane", "-p", "-t", "audit");
    while (Date.now() < deadline && !/(users +ready)|dev up exited/.test(screenNow())) await new Promise((r) => setTimeout(r, 500));
    expect(screenNow(), "the screen of dev up").toMatch(/users +ready/);
    tmux("send-keys", "-t", "audit", "t");
    await new Promise((r) => setTimeout(r, 1500));
    capture();
    tmux("send-keys", "-t", "audit", "d");
    await new Promise((r) => setTimeout(r, 1000));
    capture();
    tmux("send-keys", "-t", "audit", "q");
    await new Promise((r) => setTimeout(r, 2000));
    capture();
  } finally {
    try {
      tmux("kill-server");
    } catch {
      // already gone
    }
  }
  expect(captured.join("\n")).toMatch(/users/);
  return captured.join("\n");
}
