/** A temporary copy of the sample project, pointed at the shared e2e cluster, and a real `dev` process. */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa, type ResultPromise } from "execa";
import { expect } from "vitest";
import { E2E_CLUSTER, repoRoot } from "../harness.ts";

const CLI = join(repoRoot, "packages/cli/dist/main.js");
const NODE = process.execPath;

export interface DevEvent {
  type: string;
  [field: string]: unknown;
}

export interface SampleProject {
  dir: string;
  name: string;
  /** Replace text in a project file. */
  edit(file: string, from: string | RegExp, to: string): Promise<void>;
  cleanup(): Promise<void>;
}

/** The samples under another project name (so another namespace), with forwards moved by `portOffset`. */
export async function sampleProject(name: string, portOffset: number): Promise<SampleProject> {
  const dir = await mkdtemp(join(tmpdir(), `devup-${name}-`));
  await cp(join(repoRoot, "services"), join(dir, "services"), { recursive: true, filter: (s) => !s.endsWith("/secret.env") });
  const dev = (await readFile(join(repoRoot, "dev.yaml"), "utf8")).replace(/^name: .*$/m, `name: ${name}`).replace(/^ {2}name: devup$/m, `  name: ${E2E_CLUSTER}`);
  await writeFile(join(dir, "dev.yaml"), dev);
  for (const svc of ["users", "accounts", "website"]) {
    const file = join(dir, "services", svc, "service.yaml");
    await writeFile(file, (await readFile(file, "utf8")).replace(/forward: (\d+)/, (_m, p: string) => `forward: ${Number(p) + portOffset}`));
  }
  return {
    dir,
    name,
    async edit(file, from, to) {
      const path = join(dir, file);
      const text = await readFile(path, "utf8");
      const next = text.replace(from, to);
      if (next === text) throw new Error(`edit of ${file} changed nothing`);
      await writeFile(path, next);
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Runs `dev <args> --output json` to completion; returns its events and exit code. */
export async function devJson(dir: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; events: DevEvent[]; stderr: string }> {
  const r = await execa(NODE, [CLI, ...args, "--output", "json", "--cwd", dir], { reject: false, env, timeout: 10 * 60_000 });
  return { code: r.exitCode ?? -1, events: parseEvents(r.stdout), stderr: r.stderr };
}

export function parseEvents(stdout: string): DevEvent[] {
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as DevEvent);
}

export interface DevProcess {
  process: ResultPromise;
  events: DevEvent[];
  waitFor(type: string, timeoutMs: number): Promise<DevEvent>;
}

/** A long-running `dev <args> --output json` process whose NDJSON events arrive as it prints them. */
export function devLong(dir: string, args: string[]): DevProcess {
  return followDev(execa(NODE, [CLI, ...args, "--output", "json", "--cwd", dir], { reject: false, buffer: false }), args);
}

/** The NDJSON events of a running `dev` (started with `--output json` and `buffer: false`) as it prints them. */
export function followDev(child: ResultPromise, args: readonly string[]): DevProcess {
  const events: DevEvent[] = [];
  let exited: number | undefined;
  void child.then((r) => (exited = r.exitCode ?? -1));
  let pending = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    events.push(...parseEvents(lines.join("\n")));
  });
  return {
    process: child,
    events,
    async waitFor(type, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find((e) => e.type === type);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no ${type} event within ${timeoutMs} ms; events: ${events.map((e) => e.type).join(", ")}`);
        if (exited !== undefined) throw new Error(`dev ${args[0] ?? ""} exited (${exited}) before a ${type} event; events: ${JSON.stringify(events.slice(-5))}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
  };
}

/** Polls `url` (JSON) until `ok(body)`; the milliseconds it took. */
export async function servedWithin(url: string, ok: (body: Record<string, unknown>) => boolean, timeoutMs: number, everyMs = 50): Promise<number> {
  const start = Date.now();
  for (;;) {
    const body = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
      (r) => (r.ok ? (r.json() as Promise<Record<string, unknown>>) : undefined),
      () => undefined,
    );
    if (body && ok(body)) return Date.now() - start;
    if (Date.now() - start > timeoutMs) throw new Error(`not served within ${timeoutMs} ms; last: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Starts a long-running `dev up --output json`. */
export function devUp(dir: string, args: string[] = []): DevProcess {
  return devLong(dir, ["up", ...args]);
}

export const ofType = (events: DevEvent[], type: string) => events.filter((e) => e.type === type);

/** The position of `event` in `order`, failing the test when it is missing (so ordering checks cannot pass without it). */
export function positionOf(order: readonly string[], event: string): number {
  const i = order.indexOf(event);
  expect(i, `${event} in the events`).toBeGreaterThanOrEqual(0);
  return i;
}
