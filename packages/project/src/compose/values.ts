/** Compose value forms → devup's: durations, memory sizes, CPU counts, port strings, commands. */
import { parse as parseShell } from "shell-quote";

/** Compose durations ("1m30s", "10s", "500ms", "1h") → seconds. */
export function composeDurationSeconds(value: string | number): number | undefined {
  if (typeof value === "number") return value;
  const re = /(\d+(?:\.\d+)?)(us|ms|s|m|h)/g;
  let total = 0;
  let matched = "";
  for (const m of value.matchAll(re)) {
    total += Number(m[1]) * { us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 }[m[2] as "us" | "ms" | "s" | "m" | "h"];
    matched += m[0];
  }
  return matched === value.trim() && matched ? Math.round(total * 1000) / 1000 : undefined;
}

/** Compose memory ("512m", "1g", "300M", 1048576) → a Kubernetes quantity in Mi (rounded up). */
export function composeMemory(value: string | number): string | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmg]?)b?$/i.exec(String(value).trim());
  if (!m) return undefined;
  const unit = { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as "" | "b" | "k" | "m" | "g"];
  return `${Math.max(1, Math.ceil((Number(m[1]) * unit) / 1024 ** 2))}Mi`;
}

/** Compose CPUs ("0.5", 2) → a Kubernetes quantity ("500m", "2"). */
export function composeCpus(value: string | number): string | undefined {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) return undefined;
  return Number.isInteger(n) ? String(n) : `${Math.round(n * 1000)}m`;
}

export interface ComposePort {
  container: number;
  published?: number | undefined;
  protocol: "TCP" | "UDP";
}

/** "8080:80", "127.0.0.1:8080:80/udp", "80", 80 → container and published port; ranges are not supported. */
export function parsePortString(spec: string | number): ComposePort | undefined {
  const s = String(spec);
  const [body = "", proto = "tcp"] = s.split("/");
  const parts = body.split(":");
  const container = parts[parts.length - 1]!;
  const published = parts.length >= 2 ? parts[parts.length - 2] : undefined;
  if (!/^\d+$/.test(container) || (published !== undefined && published !== "" && !/^\d+$/.test(published))) return undefined;
  return { container: Number(container), published: published ? Number(published) : undefined, protocol: proto.toLowerCase() === "udp" ? "UDP" : "TCP" };
}

/** Stands in for "$" while a command is split: compose does not expand variables there (interpolation already ran). */
const DOLLAR = "\uE000";

/**
 * A compose command string → argv, split shell-words style as compose does (`postgres -c 'a=b'` →
 * [postgres, -c, a=b]). A string with shell operators (`&&`, `|`, `;`, redirections) has no argv
 * form; it runs through `sh -c` to keep its meaning, and `shell` says so.
 */
export function commandToArgv(command: string | string[]): { argv: string[]; shell: boolean } {
  if (Array.isArray(command)) return { argv: command.map(String), shell: false };
  const words: string[] = [];
  for (const entry of parseShell(command.replaceAll("$", DOLLAR))) {
    if (typeof entry === "string") words.push(entry.replaceAll(DOLLAR, "$"));
    else if ("pattern" in entry) words.push(entry.pattern.replaceAll(DOLLAR, "$"));
    else return { argv: ["sh", "-c", command], shell: true };
  }
  return { argv: words, shell: false };
}

/** A compose healthcheck `test` → a command for an exec probe, or undefined for NONE. */
export function healthTestToCommand(test: string | string[]): string[] | undefined {
  if (typeof test === "string") return ["sh", "-c", test];
  const [kind, ...rest] = test;
  if (kind === "NONE") return undefined;
  if (kind === "CMD-SHELL") return ["sh", "-c", rest.join(" ")];
  if (kind === "CMD") return rest;
  return test;
}

/** A folder or project name → a DNS label devup accepts ("My App_1" → "my-app-1"). */
export function toDnsLabel(name: string): string {
  const label = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .replace(/-+$/, "")
    .slice(0, 63)
    .replace(/-+$/, "");
  return label || "app";
}
