/**
 * How `dev logs` and `dev run-local` show a service's log line: JSON lines as `time LEVEL message`
 * (`--fields`: with the other fields), untouched with `--raw`. The project's secret values are
 * never shown unless `--raw`.
 */
import { formatLogLine, hideSecrets, parseJsonLog } from "@devup/kube/log-lines";
import type { ResolvedProject } from "@devup/project";

export interface ShownLine {
  /** For people. */
  text: string;
  /** The line as written, known secret values replaced (unless --raw). */
  line: string;
  /** For machines (--output json): the parsed parts of a JSON line. */
  parsed?: { level?: string | undefined; msg: string; time?: string | undefined; fields?: Record<string, unknown> | undefined } | undefined;
}

/** From the command's options: `fields` and `raw` are `--fields` and `--raw`. */
export function logLineFormatter(project: ResolvedProject, options: Readonly<Record<string, unknown>>): (line: string) => ShownLine {
  if (options.raw === true) return (line) => ({ text: line, line });
  const fields = options.fields === true;
  const secrets = project.services.flatMap((s) => [...Object.values(s.secrets?.values ?? {}), ...Object.values(s.secrets?.files ?? {}).map((f) => f.content.trim())]);
  return (raw) => {
    const line = hideSecrets(raw, secrets);
    const p = parseJsonLog(line);
    return {
      text: formatLogLine(line, { fields }),
      line,
      parsed: p && { level: p.level, msg: p.message, time: p.time, ...(fields ? { fields: p.fields } : {}) },
    };
  };
}
