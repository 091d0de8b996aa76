/**
 * Checks `dev up` makes before it builds anything: one `dev up` per project and environment (a
 * second would split the forwards and build and apply every change twice), and forward ports that
 * another process holds, said at once rather than after every build and rollout.
 */
import { closeSync, lstatSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { DevupError } from "@devup/errors";
import { wantedForwards } from "@devup/engine";
import type { ResolvedProject } from "@devup/project";
import { keepOutOfGit } from "./files.ts";

export interface Lock {
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const lockPath = (project: ResolvedProject) => join(project.root, ".devup", `up-${project.environment}.lock`);

/** The live process a lock file names (its pid and command), or undefined: no file, or its process is gone. */
function liveHolder(path: string): { pid: number; command: string } | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  const [pidText = "", command = "dev up"] = text.split("\n");
  const pid = Number(pidText);
  return Number.isInteger(pid) && pid > 0 && alive(pid) ? { pid, command } : undefined;
}

/** The `dev up` (or apply) that holds the project's lock now: its pid and command, or undefined. */
export function lockHolder(project: ResolvedProject): { pid: number; command: string } | undefined {
  return liveHolder(lockPath(project));
}

/**
 * Takes `.devup/up-<environment>.lock` in the project (created with O_EXCL: never through a link).
 * A lock whose process is gone is taken over.
 */
export function lockProject(project: ResolvedProject, command: string): Lock {
  const dir = join(project.root, ".devup");
  mkdirSync(dir, { recursive: true });
  if (lstatSync(dir).isSymbolicLink()) {
    throw new DevupError("usage", `${dir} is a symbolic link; devup keeps its state there and does not write through links`, { hint: "remove the link (rm .devup) and run the command again" });
  }
  keepOutOfGit(dir);
  const path = lockPath(project);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx", 0o644);
      writeSync(fd, `${process.pid}\n${command}\n`);
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (readFileSync(path, "utf8").split("\n")[0] === String(process.pid)) rmSync(path, { force: true });
        } catch {
          // already gone
        }
      };
      process.once("exit", release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = liveHolder(path);
      if (holder && holder.pid !== process.pid) {
        throw new DevupError("usage", `another ${holder.command} (pid ${holder.pid}) is running for this project (environment ${project.environment})`, {
          hint: `stop it first (Ctrl-C or q in its terminal, or kill ${holder.pid}); two would split the forwards and build and apply every change twice`,
        });
      }
      rmSync(path, { force: true }); // its process is gone: a stale lock
    }
  }
  throw new DevupError("usage", `could not take the lock ${path}`, { hint: "remove the file and run the command again" });
}

/** Whether 127.0.0.1:port can be listened on now. */
function free(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ host: "127.0.0.1", port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The project's forwards whose local port another process holds now. */
export async function busyForwards(project: ResolvedProject): Promise<Array<{ service: string; port: number; specFile: string }>> {
  const specFile = (service: string) => project.services.find((s) => s.name === service)!.specFile;
  const checked = await Promise.all(wantedForwards(project).map(async (w) => ({ w, free: await free(w.localPort) })));
  return checked.filter((c) => !c.free).map(({ w }) => ({ service: w.service, port: w.localPort, specFile: specFile(w.service) }));
}
