// The screen rendered by ink-testing-library, driven by real engine Store actions and key presses.
import { initialState, Store } from "@devup/engine";
import { DevupError, toErrorReport } from "@devup/errors";
import { render } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { App, type Controls } from "./app.tsx";
import { TuiModel, type Describe } from "./model.ts";

const KEY = { up: "\u001B[A", down: "\u001B[B", enter: "\r", escape: "\u001B", backspace: "\u007F", pageUp: "\u001B[5~" };

const settle = () => new Promise((resolve) => setTimeout(resolve, 40));

// The plain printer's words are the CLI's; a few of them are enough to see where lines go.
const describeAction: Describe = (action) => {
  if (action.type === "build-line") return `[${action.service}]   ${action.line}`;
  if (action.type === "synced") return `[${action.service}] synced ${action.files.length} files`;
  if (action.type === "log") return action.message;
  return undefined;
};

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

function setup(size = { columns: 120, rows: 30 }, options: { capacity?: number } = {}) {
  const store = new Store(
    initialState("shop", "local", "shop", "devup", [
      { name: "users", replicas: 1 },
      { name: "accounts", replicas: 2 },
      { name: "website", replicas: 1 },
    ]),
  );
  const model = new TuiModel(store, { fps: 500, describe: describeAction, capacity: options.capacity });
  const calls: string[] = [];
  const controls: Controls = {
    rebuild: (s) => (calls.push(`rebuild ${s}`), `rebuild of ${s} requested`),
    sync: (s) => (calls.push(`sync ${s}`), `sync of ${s} requested`),
    quit: () => calls.push("quit"),
  };
  const app = render(<App model={model} controls={controls} size={size} />);
  cleanups.push(() => {
    app.unmount();
    model.close();
  });
  const frame = () => app.lastFrame() ?? "";
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      app.stdin.write(k);
      await settle();
    }
  };
  return { store, model, calls, frame, press, app };
}

const rowOf = (frame: string, service: string) => frame.split("\n").find((l) => new RegExp(`^. ${service} `).test(l)) ?? "";

describe("the dev up screen", () => {
  it("shows the cluster line and one row per service: phase, replicas, last update, URL, trigger", async () => {
    const t = setup();
    const at = new Date(2026, 0, 2, 3, 4, 5).getTime();
    t.store.dispatch({ type: "cluster", status: "ready", context: "kind-devup" });
    t.store.dispatch({ type: "update-start", service: "users", trigger: ["services/users/src/server.js"], at });
    t.store.dispatch({ type: "phase", service: "users", phase: "syncing" });
    t.store.dispatch({ type: "synced", service: "users", files: ["services/users/src/server.js"], pods: 1, durationMs: 420 });
    t.store.dispatch({ type: "ready", service: "users", at: at + 420 });
    t.store.dispatch({ type: "forward", service: "users", forward: { port: "http", localPort: 8081, url: "http://127.0.0.1:8081", status: "ready" } });
    t.store.dispatch({ type: "phase", service: "accounts", phase: "building" });
    t.store.dispatch({ type: "replicas", service: "accounts", ready: 1, desired: 2 });
    await settle();
    const f = t.frame();
    expect(f.split("\n")[0]).toMatch(/devup shop · env local · namespace shop · cluster devup ready \(kind-devup\)/);
    expect(rowOf(f, "users")).toMatch(/users\s+ready\s+1\/1\s+03:04:05 0\.4 s\s+http:\/\/127\.0\.0\.1:8081\s+services\/users\/src\/server\.js/);
    expect(rowOf(f, "accounts")).toMatch(/accounts\s+building\s+1\/2/);
    expect(rowOf(f, "website")).toMatch(/website\s+pending\s+0\/1/);
  });

  it("arrows select a service; its build lines and sync events fill the log pane; t tails all services", async () => {
    const t = setup();
    t.store.dispatch({ type: "build-line", service: "users", line: "Step 1/4 : FROM node" });
    t.store.dispatch({ type: "build-line", service: "accounts", line: "Step 2/4 : COPY . ." });
    t.store.dispatch({ type: "synced", service: "accounts", files: ["a", "b"], pods: 1, durationMs: 1 });
    await settle();
    expect(rowOf(t.frame(), "users")).toMatch(/^› /);
    expect(t.frame()).toContain("logs: users · following");
    expect(t.frame()).toContain("build │ Step 1/4 : FROM node");
    expect(t.frame()).not.toContain("COPY");
    await t.press(KEY.down);
    expect(rowOf(t.frame(), "accounts")).toMatch(/^› /);
    expect(t.frame()).toContain("logs: accounts");
    expect(t.frame()).toContain("build │ Step 2/4 : COPY . .");
    expect(t.frame()).toContain("» synced 2 files");
    expect(t.frame()).not.toContain("FROM node");
    await t.press("t");
    expect(t.frame()).toContain("logs: all services");
    expect(t.frame()).toMatch(/users\s+build │ Step 1\/4 : FROM node/);
    expect(t.frame()).toMatch(/accounts\s+build │ Step 2\/4 : COPY/);
    await t.press(KEY.up, KEY.enter);
    expect(t.frame()).toContain("logs: users");
    expect(t.frame()).not.toContain("COPY");
  });

  it("/ filters the log pane as you type; esc clears the filter", async () => {
    const t = setup();
    for (const text of ["GET /users 200", "GET /health 200", "POST /users 500 error"]) t.model.push("users", "log", text, "users-7d9f8-abcde");
    await settle();
    await t.press("/", "u", "s", "e", "r", "s");
    expect(t.frame()).toContain("/users");
    expect(t.frame()).not.toContain("/health");
    await t.press(KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace, "5", "0", "0", KEY.enter);
    expect(t.frame()).toContain('filter "500" (1 lines)');
    expect(t.frame()).toContain("abcde POST /users 500 error");
    expect(t.frame()).not.toContain("GET /users");
    await t.press("/", "x", KEY.enter);
    expect(t.frame()).toContain('filter "500x" (0 lines)');
    expect(t.frame()).not.toContain("POST");
    await t.press(KEY.escape);
    expect(t.frame()).toContain("GET /health 200");
  });

  it("? shows the keys; esc closes the help", async () => {
    const t = setup();
    await t.press("?");
    expect(t.frame()).toContain("keys (esc or ? closes)");
    expect(t.frame()).toMatch(/r\s+rebuild and roll out the selected service now/);
    expect(t.frame()).toMatch(/q\s+quit: stop forwards and watching/);
    await t.press(KEY.escape);
    expect(t.frame()).toContain("logs: users");
    expect(t.frame()).not.toContain("rebuild and roll out");
  });

  it("a failing service says why in its row; enter on it (or d) opens the details: message, log lines, hint", async () => {
    const t = setup();
    const error = toErrorReport(
      new DevupError("rollout", "users did not become ready: the container exits (CrashLoopBackOff)", {
        hint: "fix the crash; the last lines of its log are above",
        details: ["Error: Cannot find module '/app/src/server.js'", "    at Module._resolveFilename"],
      }),
    );
    t.store.dispatch({ type: "failed", service: "users", error });
    await settle();
    expect(rowOf(t.frame(), "users")).toMatch(/failing .*✗ users did not become ready/);
    await t.press(KEY.enter);
    const f = t.frame();
    expect(f).toContain("details: users (esc closes)");
    expect(f).toContain("error: users did not become ready: the container exits (CrashLoopBackOff)");
    expect(f).toContain("  Error: Cannot find module '/app/src/server.js'");
    expect(f).toContain("hint: fix the crash; the last lines of its log are above");
    await t.press(KEY.escape, KEY.down, "d");
    expect(t.frame()).toContain("details: accounts");
    // Keys typed faster than a render act on the selection the previous key made.
    await t.press(KEY.escape, `${KEY.up}${KEY.enter}`);
    expect(t.frame()).toContain("details: users");
    await t.press(KEY.escape, `${KEY.down}d`);
    expect(t.frame()).toContain("details: accounts");
    expect(t.frame()).toContain("no error");
  });

  it("shows a canary's two versions and the traffic split in the row and the details, until it takes all traffic", async () => {
    const t = setup();
    t.store.dispatch({ type: "release", service: "users", stable: "blue", canary: "green", weight: 10 });
    await settle();
    expect(rowOf(t.frame(), "users")).toContain("canary green 10% ⇄ blue 90%");
    await t.press("d");
    expect(t.frame()).toContain("release: canary green 10% ⇄ blue 90% of the ingress traffic (blue is stable; dev promote / dev abort)");
    await t.press(KEY.escape);
    t.store.dispatch({ type: "release", service: "users", stable: "green", weight: 0 });
    await settle();
    expect(rowOf(t.frame(), "users")).not.toContain("canary");
    await t.press("d");
    expect(t.frame()).toContain("release: all traffic on green");
  });

  it("r, s and q ask the CLI; what it answers shows in the status line", async () => {
    const t = setup();
    await t.press(KEY.down, "r");
    expect(t.frame()).toContain("rebuild of accounts requested");
    await t.press("s", "q");
    expect(t.calls).toEqual(["rebuild accounts", "sync accounts", "quit"]);
    expect(t.frame()).toContain("sync of accounts requested");
  });

  it("a log flood is capped per service; the pane shows the newest lines and the frame keeps the terminal's size", async () => {
    const t = setup({ columns: 60, rows: 20 }, { capacity: 200 });
    for (let i = 0; i < 5000; i++) t.model.push("users", "log", `line ${i} ${"x".repeat(i % 150)}`, "users-1-abcde");
    await settle();
    expect(t.model.lines("users")).toHaveLength(200);
    expect(t.model.lines("users")[0]!.text).toMatch(/^line 4800 /);
    const lines = t.frame().split("\n");
    expect(lines.length).toBeLessThanOrEqual(19);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(60);
    expect(t.frame()).toContain("abcde line 4999");
    // Paused, the pane stays where it is while lines keep coming; f follows again.
    await t.press("f");
    expect(t.frame()).toContain("paused");
    t.model.push("users", "log", "newest", "users-1-abcde");
    await settle();
    expect(t.frame()).not.toContain("newest");
    await t.press(KEY.pageUp);
    expect(t.frame()).not.toContain("line 4999");
    await t.press("f");
    expect(t.frame()).toContain("newest");
  });

  it("a narrow terminal cuts every line to its width", async () => {
    const t = setup({ columns: 40, rows: 12 });
    t.store.dispatch({ type: "forward", service: "users", forward: { port: "http", localPort: 8081, url: "http://127.0.0.1:8081", status: "ready" } });
    t.store.dispatch({ type: "update-start", service: "users", trigger: ["services/users/src/a-very-long-file-name-indeed.js"], at: Date.now() });
    t.model.push("users", "log", `\u001B[31mred\u001B[0m ${"y".repeat(200)}`, "users-1-abcde");
    await settle();
    const lines = t.frame().split("\n");
    expect(lines.length).toBeLessThanOrEqual(11);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(40);
    expect(t.frame()).toContain("abcde red yyy");
  });
});
