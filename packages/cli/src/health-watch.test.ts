import { describe, expect, it } from "vitest";
import { HealthWatch, offerRecreate, stoppedMessage, type HealthEvent } from "./health-watch.ts";

function watch() {
  const world = { docker: true, nodes: true as boolean | undefined, clusterLookFails: false };
  const events: HealthEvent[] = [];
  const w = new HealthWatch(
    {
      docker: () => (world.docker ? Promise.resolve() : Promise.reject(new Error("connect ENOENT /var/run/docker.sock"))),
      cluster: () => (world.clusterLookFails ? Promise.reject(new Error("kind timed out")) : Promise.resolve(world.nodes)),
    },
    { cluster: "devup", docker: "unix:///var/run/docker.sock" },
    (e) => events.push(e),
  );
  return { world, events, w };
}

describe("HealthWatch", () => {
  it("says nothing while Docker and the cluster are there", async () => {
    const t = watch();
    expect(await t.w.check()).toBe("ok");
    expect(t.events).toEqual([]);
  });

  it("names the Docker engine once when it stops answering, and once when it is back", async () => {
    const t = watch();
    t.world.docker = false;
    await t.w.check();
    await t.w.check();
    t.world.docker = true;
    await t.w.check();
    expect(t.events.map((e) => e.type)).toEqual(["docker-down", "docker-back"]);
    expect(t.events[0]!.message).toContain("the Docker engine does not answer (unix:///var/run/docker.sock)");
    expect(t.events[0]!.message).not.toContain("[object Object]");
  });

  it("a cluster without nodes is gone; a failed look at it is not taken for gone", async () => {
    const t = watch();
    t.world.clusterLookFails = true;
    expect(await t.w.check()).toBe("ok");
    t.world.clusterLookFails = false;
    t.world.nodes = false;
    expect(await t.w.check()).toBe("cluster-gone");
    expect(t.events).toEqual([{ type: "cluster-gone", message: expect.stringContaining("the cluster devup is gone") as string }]);
  });

  it("a cluster devup cannot see (a kube context) is never gone", async () => {
    const t = watch();
    t.world.nodes = undefined;
    expect(await t.w.check()).toBe("ok");
  });
});

describe("stoppedMessage", () => {
  it("says the cluster keeps running only when it does", () => {
    expect(stoppedMessage(2, "devup", "shop", "ok")).toBe("stopped 2 forwards. Still running: the cluster devup and the workloads in namespace shop (dev down removes them; dev down --cluster also deletes the cluster)");
    const gone = stoppedMessage(1, "devup", "shop", "cluster-gone");
    expect(gone).not.toContain("Still running");
    expect(gone).toContain("The cluster devup no longer exists");
  });
});

describe("offerRecreate", () => {
  it("outside a terminal it does not ask: it says how (Ctrl-C, then dev up) and answers no", async () => {
    const said: string[] = [];
    const out = { format: "text" as const, result: () => undefined, info: (e: { message?: string }) => void said.push(e.message ?? ""), diagnostics: () => undefined, text: () => undefined };
    const ctx = { cwd: "/", out, options: {}, positionals: [], interactive: false };
    expect(await offerRecreate(ctx, out, "devup", false)).toBe(false);
    expect(await offerRecreate(ctx, out, "devup", true)).toBe(false);
    expect(said).toEqual(["to create the cluster devup again: Ctrl-C, then dev up", "to create the cluster devup again: q, then dev up"]);
  });
});
