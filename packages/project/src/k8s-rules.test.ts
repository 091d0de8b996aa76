// What the API server refuses, refused by `dev validate` at the spec line: every rule with an input
// that fails (and where it is reported) and one that passes.
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "./diagnostics.ts";
import { compareQuantities, mountedFileKeyProblem, parseQuantity, type Quantity } from "./k8s-rules.ts";
import { validateFiles } from "./validate.ts";

const SVC = "services/web/service.yaml";
const long = (n: number) => `a${"b".repeat(n - 1)}`;

/** A project with one service `web` (image example/web:1 unless the yaml says otherwise). */
function project(service: string, dev = "name: shop\n", extra: Record<string, string> = {}) {
  return validateFiles({ "dev.yaml": dev, [SVC]: service.includes("image:") ? service : `image: example/web:1\n${service}`, ...extra });
}

interface Case {
  rule: string;
  bad: () => ReturnType<typeof project>;
  /** `file:line:column: error: path: ` the diagnostic starts with, and a part of its message. */
  at: string;
  message: RegExp;
  good: () => ReturnType<typeof project>;
}

const cases: Case[] = [
  {
    rule: "namespace after the -<environment> suffix is at most 63",
    bad: () => project("", `name: ${long(60)}\nenvironments:\n  staging: {}\n`),
    at: "dev.yaml:3:3: error: environments.staging: ",
    message: /namespace "ab+-staging" \(project name \+ "-staging"\) is 68 characters; Kubernetes allows at most 63: set environments.staging.namespace/,
    good: () => project("", `name: ${long(60)}\nenvironments:\n  staging: { namespace: shop-staging }\n`),
  },
  {
    rule: "a service name is a DNS-1035 label of at most 63 (Service and Deployment names)",
    bad: () => project(`name: ${long(64)}\n`),
    at: `${SVC}:2:7: error: services.${long(64)}.name: `,
    message: /at most 63 characters/,
    good: () => project(`name: ${long(63)}\n`),
  },
  {
    rule: "the generated test Job label <service>-test is at most 63",
    bad: () => project(`name: ${long(60)}\ntest: { command: [make, test] }\n`),
    at: `${SVC}:3:7: error: services.${long(60)}.test: `,
    message: /label "ab+-test" would pass Kubernetes' 63; use a name of at most 58 characters/,
    good: () => project(`name: ${long(58)}\ntest: { command: [make, test] }\n`),
  },
  {
    rule: "label keys are qualified names",
    bad: () => project("labels:\n  team/a/b: x\n"),
    at: `${SVC}:3:3: error: services.web.labels["team/a/b"]: `,
    message: /invalid key "team\/a\/b": may hold at most one "\/"/,
    good: () => project("labels:\n  example.com/team: a\n  tier: backend\n"),
  },
  {
    rule: "label values are at most 63 of letters, digits, -, _ and .",
    bad: () => project('labels:\n  tier: "back end"\n'),
    at: `${SVC}:3:9: error: services.web.labels.tier: `,
    message: /a label value must be letters, digits/,
    good: () => project('labels:\n  tier: ""\n  version: v1.2_3\n'),
  },
  {
    rule: "annotation keys are qualified names",
    bad: () => project("annotations:\n  -note: x\n"),
    at: `${SVC}:3:3: error: services.web.annotations["-note"]: `,
    message: /invalid key "-note": must be letters, digits/,
    good: () => project("annotations:\n  Example.com/Note: anything at all, even spaces\n"),
  },
  {
    rule: "annotations hold at most 256 KiB in all (reached through aliases within the file size limit)",
    bad: () => project(`annotations:\n  a: &big ${"x".repeat(100_000)}\n  b: *big\n  c: *big\n`),
    at: `${SVC}:3:3: error: services.web.annotations: `,
    message: /annotations hold 300003 bytes; Kubernetes allows at most 262144/,
    good: () => project(`annotations:\n  a: &big ${"x".repeat(100_000)}\n  b: *big\n`),
  },
  {
    rule: "replicas fit in int32",
    bad: () => project("replicas: 2147483648\n"),
    at: `${SVC}:2:11: error: services.web.replicas: `,
    message: /must be at most 2147483647 \(Kubernetes stores it as a 32-bit integer\)/,
    good: () => project("replicas: 2147483647\n"),
  },
  {
    rule: "an environment's replicas fit in int32",
    bad: () => project("", "name: shop\nenvironments:\n  local:\n    services:\n      web: { replicas: 3000000000 }\n"),
    at: "dev.yaml:5:24: error: environments.local.services.web.replicas: ",
    message: /must be at most 2147483647/,
    good: () => project("", "name: shop\nenvironments:\n  local:\n    services:\n      web: { replicas: 3 }\n"),
  },
  {
    rule: "probe durations fit in int32 seconds",
    bad: () => project("ports: [{ port: 80 }]\nhealth:\n  tcp: {}\n  period: 99999999999s\n"),
    at: `${SVC}:5:11: error: services.web.health.period: `,
    message: /a duration must be at most 2147483647 seconds/,
    good: () => project("ports: [{ port: 80 }]\nhealth:\n  tcp: {}\n  period: 2m\n"),
  },
  {
    rule: 'port names have no "--"',
    bad: () => project("ports:\n  - { name: web--ui, port: 80 }\n"),
    at: `${SVC}:3:13: error: services.web.ports[0].name: `,
    message: /a port name must not contain "--"/,
    good: () => project("ports:\n  - { name: web-ui, port: 80 }\n  - { name: 9p, port: 564 }\n"),
  },
  {
    rule: "port names hold a letter",
    bad: () => project("ports:\n  - { name: '8080', port: 80 }\n"),
    at: `${SVC}:3:13: error: services.web.ports[0].name: `,
    message: /a port name must contain at least one letter/,
    good: () => project("ports:\n  - { name: h2c, port: 80 }\n"),
  },
  {
    rule: "port names are at most 15 characters",
    bad: () => project("ports:\n  - { name: administration-ui, port: 80 }\n"),
    at: `${SVC}:3:13: error: services.web.ports[0].name: `,
    message: /at most 15 characters \(IANA service name\), got 17/,
    good: () => project("ports:\n  - { name: admin-ui, port: 80 }\n"),
  },
  {
    rule: "resource quantities have Kubernetes' syntax",
    bad: () => project("resources:\n  limits: { cpu: 1.5 cores }\n"),
    at: `${SVC}:3:18: error: services.web.resources.limits.cpu: `,
    message: /expected a Kubernetes quantity/,
    good: () => project("resources:\n  limits: { cpu: 1e3, memory: 1Ei }\n"),
  },
  {
    rule: "resource quantities are not negative",
    bad: () => project("resources:\n  requests: { memory: -1Gi }\n"),
    at: `${SVC}:3:23: error: services.web.resources.requests.memory: `,
    message: /must not be negative/,
    good: () => project("resources:\n  requests: { memory: +1Gi }\n"),
  },
  {
    rule: "a memory limit is at least its request",
    bad: () => project("resources:\n  requests: { memory: 256Mi }\n  limits: { memory: 128Mi }\n"),
    at: `${SVC}:3:23: error: services.web.resources.requests.memory: `,
    message: /the memory request 256Mi is more than the limit 128Mi/,
    good: () => project("resources:\n  requests: { memory: 128Mi }\n  limits: { memory: 0.125Gi }\n"),
  },
  {
    rule: "a cpu limit is at least its request (also in dev.yaml defaults)",
    bad: () => project("", "name: shop\ndefaults:\n  resources:\n    requests: { cpu: 1 }\n    limits: { cpu: 999m }\n"),
    at: "dev.yaml:4:22: error: defaults.resources.requests.cpu: ",
    message: /the cpu request 1 is more than the limit 999m/,
    good: () => project("", "name: shop\ndefaults:\n  resources:\n    requests: { cpu: 0.5 }\n    limits: { cpu: 500m }\n"),
  },
  {
    rule: "ConfigMap keys (config.values) are ConfigMap keys",
    bad: () => project("config:\n  values:\n    a/b: x\n"),
    at: `${SVC}:4:5: error: services.web.config.values["a/b"]: `,
    message: /invalid key "a\/b": a ConfigMap or Secret key may hold only letters, digits/,
    good: () => project("config:\n  values:\n    LOG_LEVEL: debug\n    app.mode: x\n"),
  },
  {
    rule: 'config file names are ConfigMap keys (no leading "..")',
    bad: () => project("config:\n  files:\n    ..data: app.conf\n", undefined, { "services/web/app.conf": "x=1\n" }),
    at: `${SVC}:4:5: error: services.web.config.files["..data"]: `,
    message: /cannot start with "\.\."/,
    good: () => project("config:\n  files:\n    app.conf: app.conf\n", undefined, { "services/web/app.conf": "x=1\n" }),
  },
  {
    rule: "secret file names are Secret keys",
    bad: () => project("secrets:\n  files:\n    'tls key': key.pem\n", undefined, { "services/web/key.pem": "k\n" }),
    at: `${SVC}:4:5: error: services.web.secrets.files["tls key"]: `,
    message: /a ConfigMap or Secret key may hold only/,
    good: () => project("secrets:\n  files:\n    tls.key: key.pem\n", undefined, { "services/web/key.pem": "k\n" }),
  },
  {
    rule: "a config value and a config file do not share a key",
    bad: () => project("config:\n  values: { app.conf: x }\n  files: { app.conf: app.conf }\n", undefined, { "services/web/app.conf": "x=1\n" }),
    at: `${SVC}:4:22: error: services.web.config.files["app.conf"]: `,
    message: /also a key of config.values; both go into one ConfigMap/,
    good: () => project("config:\n  values: { mode: x }\n  files: { app.conf: app.conf }\n", undefined, { "services/web/app.conf": "x=1\n" }),
  },
  {
    rule: "a ConfigMap holds at most 1 MiB",
    bad: () => project("config:\n  files: { a.txt: a.txt, b.txt: b.txt }\n", undefined, { "services/web/a.txt": "a".repeat(600_000), "services/web/b.txt": "b".repeat(600_000) }),
    at: `${SVC}:3:3: error: services.web.config: `,
    message: /the ConfigMap web-config would hold 1\.14 MiB; Kubernetes allows at most 1 MiB/,
    good: () => project("config:\n  files: { a.txt: a.txt }\n", undefined, { "services/web/a.txt": "a".repeat(600_000) }),
  },
  {
    rule: "a Secret holds at most 1 MiB",
    bad: () => project("secrets:\n  files: { a: a.bin, b: b.bin }\n", undefined, { "services/web/a.bin": "a".repeat(600_000), "services/web/b.bin": "é".repeat(300_000) }),
    at: `${SVC}:3:3: error: services.web.secrets: `,
    message: /the Secret web-secrets would hold 1\.14 MiB/,
    good: () => project("secrets:\n  files: { a: a.bin }\n", undefined, { "services/web/a.bin": "é".repeat(300_000) }),
  },
  {
    rule: "env file keys are Secret keys",
    bad: () => project("secrets:\n  envFile: .env\n", undefined, { "services/web/.env": "DB PASSWORD=x\nTOKEN=y\n" }),
    at: `${SVC}:3:12: error: services.web.secrets.envFile: `,
    message: /services\/web\/\.env: key "DB PASSWORD" cannot be a Secret key/,
    good: () => project("secrets:\n  envFile: .env\n", undefined, { "services/web/.env": "DB_PASSWORD=x\nTOKEN=y\n" }),
  },
  {
    rule: "ingress hosts are not IP addresses",
    bad: () => project("ports: [{ port: 80 }]\ningress:\n  - host: 127.0.0.1\n"),
    at: `${SVC}:4:11: error: services.web.ingress[0].host: `,
    message: /an ingress host must be a DNS name, not an IP address/,
    good: () => project("ports: [{ port: 80 }]\ningress:\n  - host: '*.shop.localhost'\n"),
  },
  {
    rule: "ingress hosts are lowercase DNS names without a port",
    bad: () => project("ports: [{ port: 80 }]\ningress:\n  - host: API.localhost\n  - host: api.localhost:8080\n"),
    at: `${SVC}:4:11: error: services.web.ingress[0].host: `,
    message: /an ingress host must be lowercase DNS labels/,
    good: () => project("ports: [{ port: 80 }]\ningress:\n  - host: api.localhost\n"),
  },
  {
    rule: "a forward is not on the ingress httpPort",
    bad: () => project("ports: [{ port: 80, forward: 8080 }]\n"),
    at: `${SVC}:2:30: error: services.web.ports[0].forward: `,
    message: /local port 8080 is where the ingress answers \(cluster.ingress.httpPort\)/,
    good: () => project("ports: [{ port: 80, forward: 8080 }]\n", "name: shop\ncluster:\n  ingress: { httpPort: 9080 }\n"),
  },
  {
    rule: "env names are names Kubernetes accepts, said in words",
    bad: () => project("env:\n  2FA_SECRET: x\n"),
    at: `${SVC}:3:3: error: services.web.env["2FA_SECRET"]: `,
    message: /invalid key "2FA_SECRET": an environment variable name may hold only letters, digits, "_", "-" and "\.", and must not start with a digit/,
    good: () => project("env:\n  TWO_FA_SECRET: x\n  my.setting-x: y\n  _PRIVATE: z\n"),
  },
];

describe("Kubernetes rules at validate time", () => {
  it.each(cases)("$rule", (c) => {
    const bad = c.bad().errors.map(formatDiagnostic);
    const hit = bad.find((d) => c.message.test(d));
    expect(hit, `no error matches ${String(c.message)} in:\n${bad.join("\n")}`).toBeDefined();
    expect(hit!.startsWith(c.at), `${hit} should start with ${c.at}`).toBe(true);
    expect(c.good().errors.map(formatDiagnostic)).toEqual([]);
  });

  it('no longer says "Invalid key in record" for a refused env name', () => {
    const errors = project("env:\n  'MY VAR': x\n").errors.map((d) => d.message);
    expect(errors).toHaveLength(1);
    expect(errors[0]).not.toMatch(/Invalid key in record/);
    expect(errors[0]).toMatch(/^invalid key "MY VAR": an environment variable name/);
  });

  it("warns about env file keys that Kubernetes leaves out of the environment", () => {
    const r = project("secrets:\n  envFile: .env\n", undefined, { "services/web/.env": "1PASSWORD=x\n" });
    expect(r.errors).toEqual([]);
    expect(r.warnings.map(formatDiagnostic)).toContainEqual(expect.stringMatching(/^services\/web\/service\.yaml:3:12: warning: .*key "1PASSWORD" is not a valid environment variable name/));
    const asFiles = project("secrets:\n  envFile: .env\n  asEnv: false\n", undefined, { "services/web/.env": "1PASSWORD=x\n" });
    expect(asFiles.warnings).toEqual([]);
  });
});

describe("env values keep the text the user wrote", () => {
  it("numbers and booleans YAML would rewrite stay as written, through anchors and merge keys", () => {
    const dev = "name: shop\ndefaults:\n  env: &base\n    ZIP: 012\n    RATIO: 1.10\nenvironments:\n  local:\n    env:\n      <<: *base\n      MASK: 0x10\n";
    const r = project("env:\n  VERSION: 1.10\n  DEBUG: True\n  BIG: 1e3\n  PLAIN: 42\n  QUOTED: '007'\n", dev);
    expect(r.errors).toEqual([]);
    expect(Object.fromEntries(r.value!.services[0]!.env)).toEqual({
      ZIP: { value: "012" },
      RATIO: { value: "1.10" },
      MASK: { value: "0x10" },
      VERSION: { value: "1.10" },
      DEBUG: { value: "True" },
      BIG: { value: "1e3" },
      PLAIN: { value: "42" },
      QUOTED: { value: "007" },
    });
  });
});

describe("quantities", () => {
  const q = (s: string) => parseQuantity(s) as Quantity;
  it.each([
    ["1Gi", "1073741824", 0],
    ["0.5", "500m", 0],
    ["1E", "1e18", 0],
    ["1Ki", "1k", 1],
    ["100m", "0.1", 0],
    ["1n", "1u", -1],
    [".5", "1.", -1],
  ])("%s compared with %s is %i", (a, b, expected) => {
    expect(compareQuantities(q(a), q(b))).toBe(expected);
  });

  it.each(["", "1.5 cores", "1KB", "1ki", "e3", "1e", "--1", "1h", "1da", "1e9999"])("refuses %j", (text) => {
    expect(typeof parseQuantity(text)).toBe("string");
  });
});

describe("mountedFileKeyProblem", () => {
  it("accepts a file name or an absolute path whose derived object key is valid; refuses the rest", () => {
    expect(mountedFileKeyProblem("nginx.conf")).toBeUndefined();
    expect(mountedFileKeyProblem("/etc/nginx/nginx.conf")).toBeUndefined();
    expect(mountedFileKeyProblem("/run/secrets/db_password")).toBeUndefined();
    expect(mountedFileKeyProblem("a/b")).toMatch(/may hold only letters/);
    expect(mountedFileKeyProblem("/etc//nginx.conf")).toMatch(/without "\/\/", "\." or "\.\." parts/);
    expect(mountedFileKeyProblem("/etc/../passwd")).toMatch(/without/);
    expect(mountedFileKeyProblem("/")).toMatch(/without/);
    expect(mountedFileKeyProblem(`/${"a".repeat(300)}`)).toMatch(/at most 253/);
  });
});
