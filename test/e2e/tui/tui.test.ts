// The whole `dev up` screen in a real pseudo-terminal: tmux runs the built CLI at a fixed size; the
// test reads the screen (capture-pane) while a real file edit goes through to the running service,
// then presses keys and quits, and checks the terminal got its screen back with what stays running.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2E_CLUSTER, e2eCluster, repoRoot } from "../harness.ts";
import { devJson, sampleProject, type SampleProject } from "../up/project.ts";

const SOCKET = "devup-tui-e2e"; // a tmux server of its own: never the user's
const SESSION = "tui";
const PORT_OFFSET = 13000; // users 8081 → 21081 (this test's ports: 21000–21999)
const USERS = `http://127.0.0.1:${8081 + PORT_OFFSET}/v1/users`;

let project: SampleProject;

const has = (bin: string) => {
  try {
    execFileSync("sh", ["-c", `command -v ${bin}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

/** tmux from the distribution when it is missing (idempotent, no prompts). */
function ensureTmux(): void {
  if (has("tmux")) return;
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const apt = (args: string[]) => execFileSync("apt-get", args, { stdio: ["ignore", "inherit", "inherit"], env });
  try {
    apt(["install", "-y", "-q", "tmux"]);
  } catch {
    apt(["update", "-q"]);
    apt(["install", "-y", "-q", "tmux"]);
  }
}

const tmux = (...args: string[]) => execFileSync("tmux", ["-L", SOCKET, "-f", "/dev/null", ...args], { encoding: "utf8" });
const screen = () => tmux("capture-pane", "-p", "-t", SESSION);
const keys = (...k: string[]) => tmux("send-keys", "-t", SESSION, ...k);

async function until(what: string, ok: (text: string) => boolean, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = screen();
    if (ok(text)) return text;
    if (Date.now() > deadline) throw new Error(`the screen did not show ${what} within ${timeoutMs} ms; it shows:\n${text}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function served(ok: (body: string) => boolean, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last: string;
  for (;;) {
    last = await fetch(USERS, { signal: AbortSignal.timeout(2000) })
      .then((r) => r.text())
      .catch((e: unknown) => String(e));
    if (ok(last)) return last;
    if (Date.now() > deadline) throw new Error(`${USERS} did not serve the edit within ${timeoutMs} ms; last: ${last}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const row = (text: string, service: string) => text.split("\n").find((l) => new RegExp(`^. ${service} `).test(l)) ?? "";

beforeAll(async () => {
  ensureTmux();
  e2eCluster();
  project = await sampleProject("tui-shop", PORT_OFFSET);
});

afterAll(async () => {
  try {
    tmux("kill-server");
  } catch {
    // already gone
  }
  if (project) {
    await devJson(project.dir, ["down"]);
    await project.cleanup();
  }
});

describe("dev up on a terminal", () => {
  it("shows every service ready, a synced edit with its file as the trigger, logs, help, and quits cleanly", async () => {
    const cli = join(repoRoot, "packages/cli/dist/main.js");
    const command = `'${process.execPath}' '${cli}' up --cwd '${project.dir}'; echo "dev exited with $?"; sleep 600`;
    tmux("new-session", "-d", "-s", SESSION, "-x", "160", "-y", "45", command);

    const ready = (text: string) => ["accounts", "users", "website"].every((s) => /\bready\s+(\d+)\/\1\b/.test(row(text, s)));
    let text = await until("all three services ready", ready, 10 * 60_000);
    expect(text.split("\n")[0]).toMatch(new RegExp(`^devup tui-shop · env local · namespace tui-shop · cluster ${E2E_CLUSTER} ready`));
    // A row shows its forward's URL once the forward is up, a moment after the service is ready.
    text = await until("users' forward URL in its row", (t) => row(t, "users").includes(`http://127.0.0.1:${8081 + PORT_OFFSET}`), 30_000);
    expect(text.split("\n")[1]).toMatch(/^ {2}SERVICE +PHASE +READY +LAST UPDATE +URL +WHY \(trigger\)$/);
    await until("that dev up watches", (t) => t.includes("watching for changes"), 60_000);
    await new Promise((r) => setTimeout(r, 500)); // the watcher's first scan

    // A file under the users sync rule (src → /app/src, then restart).
    await project.edit("services/users/src/server.js", "users.map((u) => u.name)", 'users.map((u) => `${u.name} (tui)`)');
    const body = await served((b) => b.includes("ada (tui)"), 60_000);
    expect(body).toContain("ada (tui)");
    text = await until("the users row updated because of server.js", (t) => /users\s+ready\s+1\/1\s+\S+ \d+\.\d s\s+\S+\s+services\/users\/src\/server\.js/.test(row(t, "users")), 30_000);

    // Select users (the rows keep the spec's order), open its logs: the sync is there.
    const order = text.split("\n").filter((l) => /^. (accounts|users|website) /.test(l)).map((l) => l.slice(2).split(" ")[0]);
    for (let i = 0; i < order.indexOf("users"); i++) keys("Down");
    keys("Enter");
    text = await until("the users logs", (t) => t.includes("logs: users · following") && /synced 1 file into 1 pod/.test(t), 10_000);
    expect(row(text, "users")).toMatch(/^› users/);

    keys("t");
    text = await until("the all-services tail", (t) => t.includes("logs: all services"), 10_000);
    expect(text).toMatch(/^users +.*synced 1 file into 1 pod/m);

    keys("?");
    await until("the help", (t) => t.includes("keys (esc or ? closes)") && /q\s+quit: stop forwards and watching/.test(t), 10_000);
    keys("Escape");
    await until("the help closed", (t) => !t.includes("keys (esc or ? closes)"), 10_000);

    // A smaller terminal: the screen re-renders to it (lines cut to the width, the rows still there).
    tmux("resize-window", "-t", SESSION, "-x", "100", "-y", "30");
    // (tmux wraps what is wider than the pane: a line the screen did not cut would push the next one down)
    const fits = (t: string) => /^devup tui-shop .*\? help · q quit$/.test(t.split("\n")[0]!) && t.split("\n")[1]!.startsWith("  SERVICE ");
    text = await until("the screen redrawn at 100x30", (t) => fits(t) && ready(t) && t.split("\n")[0]!.length <= 100, 10_000);
    expect(text.split("\n").filter((l) => l.startsWith("devup tui-shop"))).toHaveLength(1);
    expect(text.split("\n").filter((l) => l.startsWith("── logs: all services"))).toHaveLength(1);

    keys("q");
    text = await until("dev exited", (t) => /dev exited with \d+/.test(t), 60_000);
    expect(text).toContain("dev exited with 0");
    expect(text.replace(/\n/g, "")).toContain(`Still running: the cluster ${E2E_CLUSTER} and the workloads in namespace tui-shop`);
    expect(text).not.toContain("SERVICE   PHASE"); // the screen is gone: the terminal has its own back
    // The forwards stopped with it.
    await expect(fetch(USERS, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
  });
});
