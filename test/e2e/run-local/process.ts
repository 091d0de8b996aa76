/** A long-running `dev <command> --output json` process whose NDJSON events arrive as it prints them. */
import { join } from "node:path";
import { execa, type ResultPromise } from "execa";
import { repoRoot } from "../harness.ts";
import type { DevEvent } from "../up/project.ts";

const CLI = join(repoRoot, "packages/cli/dist/main.js");

export interface DevProcess {
  process: ResultPromise;
  events: DevEvent[];
  waitFor(type: string, timeoutMs: number): Promise<DevEvent>;
}

export function devLong(dir: string, args: string[]): DevProcess {
  const child = execa(process.execPath, [CLI, ...args, "--output", "json", "--cwd", dir], { reject: false, buffer: false });
  const events: DevEvent[] = [];
  let exited: number | undefined;
  void child.then((r) => (exited = r.exitCode ?? -1));
  let pending = "";
  child.stdout.on("data", (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) if (line.startsWith("{")) events.push(JSON.parse(line) as DevEvent);
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

/** The answers both `dev run-local` and `dev up` must give, read through the forward ports. */
export async function sampleAnswers(offset: number): Promise<Record<string, unknown>> {
  const get = async (port: number, path: string) => {
    const res = await fetch(`http://127.0.0.1:${port + offset}${path}`, { signal: AbortSignal.timeout(5000) });
    return { status: res.status, body: await res.text() };
  };
  const info = JSON.parse((await get(8081, "/info")).body) as Record<string, unknown>;
  return {
    users: await get(8081, "/v2/users"),
    accounts: await get(8082, "/accounts"),
    page: await get(8080, "/"),
    // env from config values and from the secrets file (as a fingerprint), uptime left out
    usersInfo: { greeting: info.greeting, tokenFingerprint: info.tokenFingerprint, version: info.version },
  };
}
