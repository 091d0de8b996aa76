import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import type { ResolvedService } from "@devup/project";
import { realCommand, RESTART_LOOP, restartEntrypoint, wrapForRestart } from "./restart-wrapper.ts";

const run = promisify(execFile);

describe("restart wrapper", () => {
  it("wraps the Deployment container of a service with a command and drops its args; other objects and services without a command stay as they are", () => {
    const dep = (name: string) => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name, labels: { "app.kubernetes.io/name": name } }, spec: { template: { spec: { containers: [{ name, args: ["x"] }] } } } });
    const svc = { apiVersion: "v1", kind: "Service", metadata: { name: "api" }, spec: { ports: [] } };
    const [a, s] = wrapForRestart([dep("api"), svc], ["node", "src/server.js"]);
    expect(a).toMatchObject({ spec: { template: { spec: { containers: [{ command: ["/bin/sh", "-c", RESTART_LOOP, "devup-restart", "node", "src/server.js"] }] } } } });
    expect((a as unknown as { spec: { template: { spec: { containers: Array<{ args?: unknown }> } } } }).spec.template.spec.containers[0]!.args).toBeUndefined();
    expect(s).toEqual(svc);
    expect(wrapForRestart([dep("web")], undefined)).toEqual([dep("web")]);
  });

  it("the real command: the spec's command and args, else the image's ENTRYPOINT with the spec's args or the image's CMD", () => {
    const svc = (o: Partial<ResolvedService>) => ({ command: undefined, args: undefined, ...o }) as ResolvedService;
    const image = { entrypoint: ["docker-entrypoint.sh"], cmd: ["node", "server.js"] };
    expect(realCommand(svc({ command: ["node"], args: ["a.js"] }), image)).toEqual(["node", "a.js"]);
    expect(realCommand(svc({ args: ["b.js"] }), image)).toEqual(["docker-entrypoint.sh", "b.js"]);
    expect(realCommand(svc({}), image)).toEqual(["docker-entrypoint.sh", "node", "server.js"]);
    expect(realCommand(svc({}), undefined)).toEqual([]);
    expect(restartEntrypoint(["node", "x.js"])).toEqual(["/bin/sh", "-c", RESTART_LOOP, "devup-restart", "node", "x.js"]);
  });

  it("the loop (a real sh) exits with the child's code unless a restart was asked for", async () => {
    const dir = await mkdtemp(join(tmpdir(), "devup-restart-"));
    try {
      // A child that asks for one restart of itself, then exits 7: the loop ran it twice.
      const script = join(dir, "child.sh");
      await writeFile(script, `echo run >> ${dir}/runs\nif [ ! -f ${dir}/once ]; then touch ${dir}/once ${dir}/.devup-restart; exit 0; fi\nexit 7\n`);
      const loop = RESTART_LOOP.replaceAll("/tmp/.devup-", `${dir}/.devup-`);
      const err = await run("/bin/sh", ["-c", loop, "devup-restart", "/bin/sh", script]).catch((e: { code: number }) => e);
      expect((err as { code: number }).code).toBe(7);
      const { stdout } = await run("cat", [join(dir, "runs")]);
      expect(stdout).toBe("run\nrun\n");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a wrapped Deployment mounts the synced files devup keeps (optional ConfigMap <service>-devup-sync)", () => {
    const dep = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "api", labels: { "app.kubernetes.io/name": "api" } }, spec: { template: { spec: { containers: [{ name: "api" }] } } } };
    const [a] = wrapForRestart([dep], ["node", "src/server.js"]);
    expect(a).toMatchObject({
      spec: {
        template: {
          spec: {
            volumes: [{ name: "devup-sync", configMap: { name: "api-devup-sync", optional: true } }],
            containers: [{ volumeMounts: [{ name: "devup-sync", mountPath: "/var/run/devup-sync", readOnly: true }] }],
          },
        },
      },
    });
  });

  it("the loop (a real sh) unpacks the kept synced files and deletes the deleted ones before the process starts; without them it just starts", async () => {
    const dir = await mkdtemp(join(tmpdir(), "devup-restart-"));
    try {
      await run("mkdir", ["-p", join(dir, "root/app/src"), join(dir, "sync"), join(dir, "stage/app/src")]);
      await writeFile(join(dir, "root/app/src/server.js"), "image code\n");
      await writeFile(join(dir, "root/app/src/old.js"), "deleted since the build\n");
      await writeFile(join(dir, "stage/app/src/server.js"), "synced code\n");
      await run("tar", ["-c", "-f", join(dir, "sync/files.tar"), "-C", join(dir, "stage"), "app/src/server.js"]);
      await writeFile(join(dir, "sync/deleted"), join(dir, "root/app/src/old.js"));
      const loop = RESTART_LOOP.replaceAll("/var/run/devup-sync", join(dir, "sync")).replace("-C / ", `-C ${join(dir, "root")} `);
      const seen = join(dir, "seen");
      const child = `cat ${join(dir, "root/app/src/server.js")} > ${seen}; ls ${join(dir, "root/app/src")} >> ${seen}`;
      await run("/bin/sh", ["-c", loop, "devup-restart", "/bin/sh", "-c", child]);
      const { stdout } = await run("cat", [seen]);
      expect(stdout).toBe("synced code\nserver.js\n");
      await rm(join(dir, "sync"), { recursive: true });
      await writeFile(join(dir, "root/app/src/server.js"), "image code\n");
      await run("/bin/sh", ["-c", loop, "devup-restart", "/bin/sh", "-c", child]);
      expect((await run("cat", [seen])).stdout).toBe("image code\nserver.js\n");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
