// Benchmark: the `dev up` screen under a log flood. The real screen (packages/tui, built) renders
// into an in-memory 160x45 terminal while 3 services log 20,000 lines a second for 5 s (build lines
// and engine events mixed in; RATE=N sets the lines per second). Prints frames drawn per second
// (the screen is capped at 12), bytes written, CPU used and the worst event-loop delay.
// Run: scripts/bench/tui (builds first).
// Figures, not pass/fail; other work on the machine skews CPU and delay.
import { PassThrough } from "node:stream";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { initialState, Store } from "@devup/engine";

// As `dev up` loads it (packages/cli/src/screen.ts): React's production build.
process.env.NODE_ENV = "production";
const { startTui } = await import("@devup/tui");

const COLUMNS = 160;
const ROWS = 45;
const SECONDS = 5;
const LINES_PER_SECOND = Number(process.env.RATE ?? 20_000);

let writes = 0;
let frames = 0;
let bytes = 0;
const BEGIN_FRAME = "\u001B[?2026h"; // ink wraps each frame in a synchronized update
const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: COLUMNS, rows: ROWS });
stdout.on("data", (chunk: Buffer) => {
  writes++;
  frames += chunk.toString("latin1").split(BEGIN_FRAME).length - 1;
  bytes += chunk.length;
});
const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin, ref: () => stdin, unref: () => stdin });

const services = ["users", "accounts", "website"];
const store = new Store(initialState("shop", "local", "shop", "devup", services.map((name) => ({ name, replicas: 1 }))));
const follows: Array<(pod: string, text: string) => void> = [];
const tui = startTui({
  store,
  describe: (a) => (a.type === "build-line" ? `[${a.service}]   ${a.line}` : undefined),
  logs: { follow: (_service, onLine) => (follows.push(onLine), () => undefined) },
  controls: { rebuild: () => "", sync: () => "" },
  stdout: stdout as unknown as NodeJS.WriteStream,
  stdin: stdin as unknown as NodeJS.ReadStream,
});
store.dispatch({ type: "cluster", status: "ready", context: "kind-devup" });
await new Promise((r) => setTimeout(r, 200));

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
writes = 0;
frames = 0;
bytes = 0;
const cpu = process.cpuUsage();
const start = performance.now();
let sent = 0;
const tickMs = 10;
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - start) / 1000) * LINES_PER_SECOND);
    for (; sent < due; sent++) {
      const follow = follows[sent % follows.length]!;
      follow(`svc-7d9f8-${sent % 5}abcd`, `{"time":"${new Date().toISOString()}","level":"info","msg":"request","n":${sent},"path":"/v1/users"}`);
      if (sent % 1000 === 0) store.dispatch({ type: "build-line", service: services[sent % 3]!, line: `Step ${sent} : RUN something` });
    }
    if (performance.now() - start >= SECONDS * 1000) {
      clearInterval(timer);
      resolve();
    }
  }, tickMs);
});
const elapsed = (performance.now() - start) / 1000;
const used = process.cpuUsage(cpu);
delay.disable();
await tui.close();

const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
console.log(`log flood: ${sent} lines in ${elapsed.toFixed(1)} s (${Math.round(sent / elapsed)}/s) into a ${COLUMNS}x${ROWS} screen`);
console.log(`  frames drawn: ${frames} (${(frames / elapsed).toFixed(1)}/s; the screen renders at most 12/s), ${writes} writes, ${mib(bytes)} MiB (${(bytes / elapsed / 1024).toFixed(0)} KiB/s)`);
console.log(`  CPU: ${((used.user + used.system) / 1000 / (elapsed * 1000) * 100).toFixed(0)}% of one core (flood producer included)`);
console.log(`  event-loop delay: p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms, max ${(delay.max / 1e6).toFixed(0)} ms`);
console.log(`  RSS: ${mib(process.memoryUsage().rss)} MiB`);
