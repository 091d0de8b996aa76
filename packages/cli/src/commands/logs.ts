/**
 * `dev logs [SERVICE] [-f]`: logs of every pod of a service (or of all services), prefixed by service
 * and pod; JSON lines as `time LEVEL message` (`--fields`: all fields, `--raw`: as written).
 */
import { DevupError } from "@devup/errors";
import { streamLogs } from "@devup/kube";
import { projectSelector } from "@devup/manifests";
import { existingCluster } from "../cluster-access.ts";
import type { CommandContext } from "../context.ts";
import { logLineFormatter } from "../log-format.ts";
import { loadValidProject } from "../project.ts";

export default async function logs(ctx: CommandContext): Promise<void> {
  const project = loadValidProject(ctx);
  const service = ctx.positionals[0];
  if (service && !project.services.some((s) => s.name === service)) {
    throw new DevupError("usage", `no service named ${JSON.stringify(service)}`, { hint: `services: ${project.services.map((s) => s.name).join(", ")}` });
  }
  const tail = Number(ctx.options.tail ?? 100);
  const kube = await existingCluster(ctx, project);
  const show = logLineFormatter(project, ctx.options);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    await streamLogs(kube, {
      namespace: project.namespace,
      selector: projectSelector(project, { service }),
      follow: ctx.options.follow === true,
      tailLines: Number.isFinite(tail) ? tail : 100,
      signal: controller.signal,
      onLine: (line) => {
        const svc = line.pod.replace(/-[a-z0-9]+-[a-z0-9]+$/, "");
        const short = line.pod.slice(svc.length + 1);
        const shown = show(line.text);
        ctx.out.result({ type: "log", service: svc, pod: line.pod, container: line.container, text: shown.line, ...shown.parsed, message: `[${svc} ${short}] ${shown.text}` });
      },
    });
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}
