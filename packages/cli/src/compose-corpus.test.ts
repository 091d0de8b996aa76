// The compose corpus (test/fixtures/compose/*): projects shaped like public compose files. Each is
// imported with the real CLI, validated and rendered, and the rendered objects are checked for what
// makes them work: a Service for every service others reach, images and values with variables
// resolved, commands split like compose splits them, probes that can succeed, and mounts that do not
// hide the image's files. Each project's expect.yaml says what it exercises (the classes) and
// what its objects must hold.
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { dev, repoRoot, tempProject } from "./testing.ts";

const corpus = join(repoRoot, "test/fixtures/compose");

interface Expect {
  classes: number[];
  files?: string[];
  services?: string[];
  minServices?: number;
  reached?: string[];
  noPort?: string[];
  args?: Record<string, string[]>;
  command?: Record<string, string[]>;
  env?: Record<string, Record<string, string>>;
  images?: Record<string, string>;
  forwards?: Record<string, number[]>;
  udp?: Record<string, number[]>;
  fileMounts?: Record<string, string[]>;
  volumes?: Record<string, string[]>;
  replicas?: Record<string, number>;
  healthCommand?: Record<string, string[]>;
  notes?: string[];
  noBuildArg?: Record<string, string[]>;
  builds?: string[];
  importError?: string[];
  dollarOk?: boolean;
}

type Obj = { kind: string; metadata: { name: string }; spec?: Record<string, unknown>; data?: Record<string, string> };
type Container = {
  image: string;
  command?: string[];
  args?: string[];
  env?: Array<{ name: string; value?: string }>;
  ports?: Array<{ name: string; containerPort: number; protocol: string }>;
  volumeMounts?: Array<{ name: string; mountPath: string; subPath?: string }>;
  readinessProbe?: { tcpSocket?: { port: string }; exec?: { command: string[] } };
  startupProbe?: { tcpSocket?: { port: string } };
};

function containerOf(d: Obj): Container {
  return ((d.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers[0])!;
}

/** Everything wrong with one imported project; empty when it works. */
async function check(name: string): Promise<string[]> {
  const want = parse(readFileSync(join(corpus, name, "expect.yaml"), "utf8")) as Expect;
  const { dir, cleanup } = await tempProject(join(corpus, name));
  const problems: string[] = [];
  try {
    rmSync(join(dir, "expect.yaml"));
    const imported = await dev(["import", "compose", ...(want.files ?? [])], dir);
    const importOutput = imported.stdout + imported.stderr;
    if (want.importError) {
      if (imported.code === 0 || imported.code === 70) problems.push(`import should fail with a user error, exited ${imported.code}`);
      for (const re of want.importError) if (!new RegExp(re).test(importOutput)) problems.push(`import output lacks /${re}/:\n${importOutput}`);
      return problems;
    }
    if (imported.code !== 0) return [`import exited ${imported.code}:\n${importOutput}`];
    const validated = await dev(["validate"], dir);
    if (validated.code !== 0) return [`validate exited ${validated.code}:\n${validated.stdout}${validated.stderr}`];
    const rendered = await dev(["render", "--out", "-", "--include-secrets"], dir);
    if (rendered.code !== 0) return [`render exited ${rendered.code}:\n${rendered.stderr}`];
    const objects = parseAllDocuments(rendered.stdout).map((d) => d.toJSON() as Obj);
    const deployments = new Map(objects.filter((o) => o.kind === "Deployment").map((o) => [o.metadata.name, containerOf(o)]));
    const services = new Map(objects.filter((o) => o.kind === "Service").map((o) => [o.metadata.name, o]));
    const container = (s: string) => {
      const c = deployments.get(s);
      if (!c) problems.push(`no Deployment for ${s} (services: ${[...deployments.keys()].join(", ")})`);
      return c;
    };
    const specOf = (s: string) => parse(readFileSync(join(dir, "services", s, "service.yaml"), "utf8")) as Record<string, unknown>;

    if (want.services) for (const s of want.services) container(s);
    if (want.minServices && deployments.size < want.minServices) problems.push(`${deployments.size} services, expected at least ${want.minServices}`);
    for (const s of want.reached ?? []) {
      const svc = services.get(s);
      if (!svc || !((svc.spec?.ports as unknown[] | undefined)?.length)) problems.push(`${s} is reached by other services but has no Service`);
    }
    for (const s of want.noPort ?? []) {
      if (services.has(s)) continue;
      if (!new RegExp(`${s}\\b[^\\n]*ports:`).test(importOutput)) problems.push(`${s} gets no Service and the report does not say how to add its port`);
    }
    if (/reaches every other by its name/.test(importOutput)) {
      for (const s of deployments.keys()) if (!services.has(s) && !(want.noPort ?? []).includes(s)) problems.push(`the report says every service reaches every other by name, but ${s} has no Service`);
    }
    for (const [s, c] of deployments) {
      if (c.image.includes("$")) problems.push(`${s}: image ${c.image} holds an unresolved variable`);
      const udpPorts = new Set((c.ports ?? []).filter((p) => p.protocol === "UDP").map((p) => p.name));
      for (const probe of [c.readinessProbe, c.startupProbe]) if (probe?.tcpSocket && udpPorts.has(probe.tcpSocket.port)) problems.push(`${s}: TCP probe on UDP port ${probe.tcpSocket.port}`);
      const words = [...(c.command ?? []), ...(c.args ?? []), ...(c.env ?? []).map((e) => e.value ?? "")];
      if (!want.dollarOk && words.some((w) => /\$\{[A-Za-z_]/.test(w))) problems.push(`${s}: a literal \${...} is left in ${JSON.stringify(words)}`);
    }
    for (const [s, argv] of Object.entries(want.args ?? {})) {
      const c = container(s);
      if (c && JSON.stringify(c.args) !== JSON.stringify(argv)) problems.push(`${s}: args ${JSON.stringify(c.args)}, expected ${JSON.stringify(argv)}`);
    }
    for (const [s, argv] of Object.entries(want.command ?? {})) {
      const c = container(s);
      if (c && JSON.stringify(c.command) !== JSON.stringify(argv)) problems.push(`${s}: command ${JSON.stringify(c.command)}, expected ${JSON.stringify(argv)}`);
    }
    for (const [s, argv] of Object.entries(want.healthCommand ?? {})) {
      const c = container(s);
      if (c && JSON.stringify(c.readinessProbe?.exec?.command) !== JSON.stringify(argv)) problems.push(`${s}: health command ${JSON.stringify(c.readinessProbe?.exec?.command)}, expected ${JSON.stringify(argv)}`);
    }
    for (const [s, vars] of Object.entries(want.env ?? {})) {
      const c = container(s);
      const got = Object.fromEntries((c?.env ?? []).map((e) => [e.name, e.value]));
      for (const [k, v] of Object.entries(vars)) if (c && got[k] !== v) problems.push(`${s}: env ${k}=${JSON.stringify(got[k])}, expected ${JSON.stringify(v)}`);
    }
    for (const [s, image] of Object.entries(want.images ?? {})) {
      const c = container(s);
      if (c && c.image !== image) problems.push(`${s}: image ${c.image}, expected ${image}`);
    }
    for (const [s, forwards] of Object.entries(want.forwards ?? {})) {
      const ports = (specOf(s).ports ?? []) as Array<{ forward?: number }>;
      for (const f of forwards) if (!ports.some((p) => p.forward === f)) problems.push(`${s}: no forward of local port ${f} (${JSON.stringify(ports)})`);
    }
    for (const [s, numbers] of Object.entries(want.udp ?? {})) {
      const svcPorts = (services.get(s)?.spec?.ports ?? []) as Array<{ port: number; protocol: string }>;
      for (const n of numbers) if (!svcPorts.some((p) => p.port === n && p.protocol === "UDP")) problems.push(`${s}: no UDP Service port ${n}`);
    }
    for (const [s, targets] of Object.entries(want.fileMounts ?? {})) {
      const c = container(s);
      const mounts = c?.volumeMounts ?? [];
      for (const t of targets) {
        if (!mounts.some((m) => m.mountPath === t && m.subPath)) problems.push(`${s}: ${t} is not mounted as a single file (${JSON.stringify(mounts)})`);
      }
      for (const m of mounts) if (!m.subPath && targets.some((t) => t.startsWith(`${m.mountPath}/`))) problems.push(`${s}: mount of folder ${m.mountPath} hides the image's files beside ${targets.join(", ")}`);
    }
    for (const [s, paths] of Object.entries(want.volumes ?? {})) {
      const d = objects.find((o) => o.kind === "Deployment" && o.metadata.name === s);
      const vols = ((d?.spec as { template?: { spec?: { volumes?: Array<{ name: string; persistentVolumeClaim?: unknown }> } } } | undefined)?.template?.spec?.volumes ?? []).filter((v) => v.persistentVolumeClaim);
      const mounts = container(s)?.volumeMounts ?? [];
      for (const p of paths) if (!mounts.some((m) => m.mountPath === p && vols.some((v) => v.name === m.name))) problems.push(`${s}: ${p} is not on a PersistentVolumeClaim`);
    }
    for (const [s, n] of Object.entries(want.replicas ?? {})) {
      const d = objects.find((o) => o.kind === "Deployment" && o.metadata.name === s);
      if (d?.spec?.replicas !== n) problems.push(`${s}: ${String(d?.spec?.replicas)} replicas, expected ${n}`);
    }
    for (const note of want.notes ?? []) if (!new RegExp(note).test(importOutput)) problems.push(`the report does not mention /${note}/`);
    for (const [s, args] of Object.entries(want.noBuildArg ?? {})) {
      const build = (specOf(s).build ?? {}) as { args?: Record<string, string> };
      for (const a of args) if (build.args && a in build.args) problems.push(`${s}: build arg ${a} without a value is set to ${JSON.stringify(build.args[a])}, overriding the Dockerfile's default`);
    }
    for (const s of want.builds ?? []) if (!specOf(s).build) problems.push(`${s}: not built from a Dockerfile`);
    return problems;
  } finally {
    await cleanup();
  }
}

const projects = readdirSync(corpus).filter((n) => /^\d\d-/.test(n)).sort();

describe("compose corpus", () => {
  it("has at least 30 projects", () => expect(projects.length).toBeGreaterThanOrEqual(30));
  for (const name of projects) {
    it(name, async () => {
      expect(await check(name)).toEqual([]);
    });
  }
});
