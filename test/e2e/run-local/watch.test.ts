// `dev run-local` watches by default (issue 6 §1): on the real Docker engine with real files, an
// edit under users' sync rule is copied into its running container and the process restarted in
// place (same container), a deleted file is removed; an edit outside the rules (its Dockerfile) rebuilds the image and
// replaces the container (same name, port and network alias); Ctrl-C still removes everything.
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { connectDocker } from "@devup/docker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devLong, ofType, sampleProject, type DevEvent, type SampleProject } from "../up/project.ts";

// Forwards 25080–25082 (this helper's port range 25000–25999).
const OFFSET = 17000;
const USERS = `http://127.0.0.1:${8081 + OFFSET}`;
const docker = connectDocker();
const byProject = { label: ["devup.dev/project=rl-watch"] };
let project: SampleProject;

beforeAll(async () => {
  project = await sampleProject("rl-watch", OFFSET);
});

afterAll(async () => {
  for (const c of await docker.listContainers({ all: true, filters: byProject })) await docker.getContainer(c.Id).remove({ force: true });
  for (const n of await docker.listNetworks({ filters: byProject })) await docker.getNetwork(n.Id).remove();
  await project?.cleanup();
});

async function get(path: string): Promise<string | undefined> {
  try {
    const res = await fetch(`${USERS}${path}`, { signal: AbortSignal.timeout(2000) });
    return res.ok ? await res.text() : undefined;
  } catch {
    return undefined;
  }
}

async function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const usersId = async () => (await docker.getContainer("devup-rl-watch-users").inspect()).Id;
/** The first users event of this type after index `n` (whose files include `file`, when given). */
const after = (events: DevEvent[], n: number, type: string, file?: string) =>
  events.slice(n).find((e) => e.type === type && e.service === "users" && (!file || (e.files as string[] | undefined)?.includes(file)));

describe("dev run-local watching", () => {
  it("syncs an edited file into the running container, rebuilds for a Dockerfile edit, and Ctrl-C removes everything", async () => {
    const run = devLong(project.dir, ["run-local"]);
    await run.waitFor("summary", 5 * 60_000);
    await run.waitFor("watching", 10_000);
    expect(JSON.parse((await get("/v1/users"))!)).toEqual(["ada", "grace", "linus"]);
    const firstId = await usersId();
    // The samples log JSON: level and message are parsed out of users' lines.
    await until("a parsed users log line", () => ofType(run.events, "log").find((e) => e.service === "users" && e.level === "info" && typeof e.msg === "string"), 10_000);

    // 1. Under the sync rule (src → /app/src, then: restart): copied in, process restarted, same container.
    let mark = run.events.length;
    await project.edit("services/users/src/server.js", '"/v1/users": () => [200, users.map((u) => u.name)]', '"/v1/users": () => [200, users.map((u) => u.name.toUpperCase())]');
    const synced = await until("users synced", () => after(run.events, mark, "engine.synced", "services/users/src/server.js"), 60_000);
    expect(synced).toMatchObject({ files: ["services/users/src/server.js"], pods: 1, restarted: true });
    expect(String(synced.message)).toMatch(/^\[users\] synced 1 file into 1 pod and restarted in \d+\.\d s$/);
    // Served once the restart reported healthy: no waiting needed.
    expect(JSON.parse((await get("/v1/users"))!)).toEqual(["ADA", "GRACE", "LINUS"]);
    expect(await usersId()).toBe(firstId);
    expect(after(run.events, mark, "engine.build")).toBeUndefined();

    // A new file is copied in, and a deleted one removed from the container.
    const extra = join(project.dir, "services/users/src/extra.txt");
    const inContainer = async () => {
      const exec = await docker.getContainer("devup-rl-watch-users").exec({ Cmd: ["test", "-f", "/app/src/extra.txt"] });
      await new Promise<void>((resolve) => void exec.start({}).then((s) => (s.on("end", resolve), s.resume())));
      for (;;) {
        const info = await exec.inspect();
        if (!info.Running) return info.ExitCode === 0;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    mark = run.events.length;
    await writeFile(extra, "x\n");
    await until("extra.txt synced", () => after(run.events, mark, "engine.synced", "services/users/src/extra.txt"), 60_000);
    expect(await inContainer()).toBe(true);
    mark = run.events.length;
    await rm(extra);
    await until("extra.txt deletion synced", () => after(run.events, mark, "engine.synced", "services/users/src/extra.txt"), 60_000);
    expect(await inContainer()).toBe(false);

    // 2. Outside every sync rule (the Dockerfile): rebuilt, the container replaced, serving from the new image.
    // Unique per run: an image with the same inputs from an earlier run would be reused (content tags).
    const version = `rebuilt-${Date.now()}`;
    mark = run.events.length;
    await project.edit("services/users/Dockerfile", "ENV PORT=8080", `ENV PORT=8080\nENV APP_VERSION=${version}`);
    const rebuilt = await until("users rebuilt", () => after(run.events, mark, "engine.ready") ?? after(run.events, mark, "engine.failed"), 3 * 60_000);
    expect(rebuilt.type).toBe("engine.ready");
    expect(String(rebuilt.message)).toMatch(/^\[users\] ready \(1\/1\) in \d+\.\d s$/);
    expect(after(run.events, mark, "engine.update-start")).toMatchObject({ trigger: ["services/users/Dockerfile"] });
    expect(after(run.events, mark, "engine.build")).toMatchObject({ action: "built", image: expect.stringMatching(/^devup\.local\/rl-watch-users:\S+$/) as string });
    expect(JSON.parse((await get("/info"))!)).toMatchObject({ version, greeting: "hello from users" });
    // The image holds the synced edit too; the container is new under the same name and alias.
    expect(JSON.parse((await get("/v1/users"))!)).toEqual(["ADA", "GRACE", "LINUS"]);
    expect(await usersId()).not.toBe(firstId);
    const website = await fetch(`http://127.0.0.1:${8080 + OFFSET}/`, { signal: AbortSignal.timeout(5000) });
    expect(await website.text()).toContain("<li>ada — account 100 (team)</li>"); // website reaches the new users container by its service name
    // Its logs are followed again from the new container's start.
    const replacedAt = run.events.length;
    await get("/v2/users");
    await until("a log line of the new users container", () => run.events.slice(replacedAt).find((e) => e.type === "log" && e.service === "users"), 15_000);

    // 3. A spec edit (a new sync rule whose command fails) rebuilds; a sync whose command fails falls back to a rebuild, and says so.
    mark = run.events.length;
    await project.edit("services/users/service.yaml", "    then: restart", '    then: restart\n  - from: config\n    to: /app/config\n    then: { run: [sh, -c, "echo no reload here; exit 7"] }');
    await until("users rebuilt for the spec edit", () => after(run.events, mark, "engine.ready"), 3 * 60_000);
    expect(after(run.events, mark, "engine.update-start")).toMatchObject({ trigger: ["services/users/service.yaml"] });
    mark = run.events.length;
    await project.edit("services/users/config/users.json", '"name": "ada"', '"name": "ada lovelace"');
    const failed = await until("the sync to fail", () => run.events.slice(mark).find((e) => e.type === "log" && String(e.message).startsWith("[users] sync failed")), 60_000);
    expect(failed.level).toBe("warn");
    // The reason, then its details (the command's output).
    expect(String(failed.message)).toMatch(/^\[users\] sync failed \(users: sh -c echo no reload here; exit 7 in devup-rl-watch-users failed \(exit 7\)\); rebuilding instead\n\[users\] {3}no reload here$/);
    await until("users rebuilt after the failed sync", () => after(run.events, mark, "engine.ready"), 3 * 60_000);
    expect(after(run.events, mark, "engine.update-start")).toMatchObject({ trigger: ["services/users/config/users.json"] });
    // The new container has the new config file (mounted from the spec as run-local does at start).
    expect(JSON.parse((await get("/v1/users"))!)).toEqual(["ADA LOVELACE", "GRACE", "LINUS"]);

    run.process.kill("SIGINT");
    expect((await run.process).exitCode).toBe(0);
    expect(ofType(run.events, "stopped")[0]).toMatchObject({ kept: false, removed: ["devup-rl-watch-accounts", "devup-rl-watch-users", "devup-rl-watch-website"] });
    expect(await docker.listContainers({ all: true, filters: byProject })).toEqual([]);
    expect(await docker.listNetworks({ filters: byProject })).toEqual([]);
  });
});
