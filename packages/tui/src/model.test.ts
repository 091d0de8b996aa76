// The screen's model against a real Store: where lines go, log streams per service, capped buffers, throttled announcements.
import { initialState, Store } from "@devup/engine";
import { describe, expect, it } from "vitest";
import { TuiModel, type LogSource } from "./model.ts";
import { Ring } from "./ring.ts";

function store() {
  return new Store(initialState("shop", "local", "shop", "devup", [{ name: "users", replicas: 1 }, { name: "web", replicas: 1 }]));
}

describe("TuiModel", () => {
  it("routes engine words to the service they name; project-wide ones go to the all-services tail only", () => {
    const s = store();
    const m = new TuiModel(s, { describe: (a) => (a.type === "log" ? a.message : a.type === "failed" ? `[${a.service}] FAILED: ${a.error.message}\n[${a.service}]   hint: x` : undefined) });
    s.dispatch({ type: "log", level: "info", message: "[users] re-synced 1 file into 1 restarted or new pod" });
    s.dispatch({ type: "log", level: "warn", message: "[nobody] is not a service" });
    s.dispatch({ type: "failed", service: "web", error: { code: "E", message: "crash", details: [], exitCode: 1 } });
    expect(m.lines("users").map((l) => [l.kind, l.text])).toEqual([["event", "re-synced 1 file into 1 restarted or new pod"]]);
    expect(m.lines("web").map((l) => [l.kind, l.text])).toEqual([
      ["error", "FAILED: crash"],
      ["error", "  hint: x"],
    ]);
    expect(m.lines().map((l) => l.service)).toEqual(["users", "", "web", "web"]);
    s.dispatch({ type: "spec-invalid", errors: ["dev.yaml:3:1 services.users.replicas: expected a number", "services/web/service.yaml:1:1 ..."] });
    expect(m.notice).toBe("the spec is invalid, still running the last good version: dev.yaml:3:1 services.users.replicas: expected a number (+1 more; t shows all)");
    m.close();
  });

  it("follows each service's container logs once the cluster is ready, and stops for removed services", () => {
    const s = store();
    const following = new Map<string, (pod: string, text: string) => void>();
    const stopped: string[] = [];
    const logs: LogSource = {
      follow(service, onLine) {
        following.set(service, onLine);
        return () => stopped.push(service);
      },
    };
    const m = new TuiModel(s, { logs });
    s.dispatch({ type: "cluster", status: "creating" });
    expect([...following.keys()]).toEqual([]);
    s.dispatch({ type: "cluster", status: "ready", context: "kind-devup" });
    expect([...following.keys()]).toEqual(["users", "web"]);
    following.get("web")!("web-5f6d-abcde", "listening on 8080");
    expect(m.lines("web")).toMatchObject([{ kind: "log", pod: "web-5f6d-abcde", text: "listening on 8080" }]);
    s.dispatch({ type: "services", services: [{ name: "users", replicas: 1 }] });
    expect(stopped).toEqual(["web"]);
    m.close();
    expect(stopped).toEqual(["web", "users"]);
  });

  it("announces a flood of lines once per frame, not once per line", async () => {
    const m = new TuiModel(store(), { fps: 10 });
    let calls = 0;
    m.onChange(() => calls++);
    for (let i = 0; i < 10_000; i++) m.push("users", "log", `line ${i}`);
    await new Promise((r) => setTimeout(r, 150));
    expect(calls).toBe(1);
    expect(m.lines("users")).toHaveLength(500);
    expect(m.lines()).toHaveLength(1000);
    m.close();
  });
});

describe("Ring", () => {
  it("keeps the newest items, oldest first", () => {
    const r = new Ring<number>(3);
    for (let i = 1; i <= 7; i++) r.push(i);
    expect(r.toArray()).toEqual([5, 6, 7]);
    expect(r.size).toBe(3);
    expect(() => new Ring(0)).toThrow(RangeError);
  });
});
