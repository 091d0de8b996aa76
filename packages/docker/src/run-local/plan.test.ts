import { describe, expect, it } from "vitest";
import { containerEnv, healthcheck, planContainers, type LocalProject, type LocalService } from "./plan.ts";

const service = (over: Partial<LocalService> & { name: string }): LocalService => ({ ports: [], env: [], dependsOn: [], replicas: 1, ...over });

const project: LocalProject = {
  name: "shop",
  environment: "local",
  services: [
    service({
      name: "users",
      ports: [
        { name: "http", port: 8080, protocol: "TCP", forward: 8081 },
        { name: "debug", port: 9229, protocol: "TCP" },
      ],
      env: [
        ["GREETING", { config: "greeting" }],
        ["API_TOKEN", { secret: "API_TOKEN" }],
        ["PLAIN", { value: "x" }],
      ],
      config: { values: { greeting: "hello" }, files: { "users.json": { content: "[]" } }, mountPath: "/etc/users" },
      secrets: { values: { API_TOKEN: "t0ken", OTHER: "o" }, files: { "key.pem": { content: "KEY" } }, mountPath: "/run/secrets/users", asEnv: false },
      health: { check: { kind: "http", path: "/health", port: "http" }, startupGraceSeconds: 20, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3 },
      dependsOn: ["accounts"],
      replicas: 2,
    }),
    service({ name: "accounts", secrets: { values: { DB: "pw" }, files: {}, mountPath: "/run/secrets/accounts", asEnv: true }, env: [["DB", { value: "override" }]] }),
  ],
};

describe("run-local container plans", () => {
  const [users, accounts] = planContainers(project, { users: "devup.local/shop-users:abc", accounts: "devup.local/shop-accounts:def" });

  it("names, labels and networks each container by project and service, aliased by its service name", () => {
    expect(users!.container).toBe("devup-shop-users");
    expect(users!.create).toMatchObject({
      name: "devup-shop-users",
      Image: "devup.local/shop-users:abc",
      Labels: { "devup.dev/project": "shop", "devup.dev/service": "users", "devup.dev/environment": "local", "app.kubernetes.io/managed-by": "devup" },
      HostConfig: { NetworkMode: "devup-shop-local", RestartPolicy: { Name: "unless-stopped" } },
      NetworkingConfig: { EndpointsConfig: { "devup-shop-local": { Aliases: ["users"] } } },
    });
  });

  it("publishes forwarded ports on 127.0.0.1 only, and exposes the others", () => {
    expect(users!.create.HostConfig?.PortBindings).toEqual({ "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: "8081" }] });
    expect(Object.keys(users!.create.ExposedPorts ?? {})).toEqual(["8080/tcp", "9229/tcp"]);
    expect(users!.urls).toEqual(["http://127.0.0.1:8081"]);
  });

  it("resolves env from values, config and secrets; asEnv adds every secret, explicit entries win", () => {
    expect(users!.create.Env).toEqual(["GREETING=hello", "API_TOKEN=t0ken", "PLAIN=x"]);
    expect(containerEnv(project.services[1]!)).toEqual(["DB=override"]);
    expect(accounts!.create.Env).toEqual(["DB=override"]);
  });

  it("puts config and secret files at their mount paths", () => {
    expect(users!.files).toEqual([
      { path: "/etc/users/users.json", content: "[]" },
      { path: "/run/secrets/users/key.pem", content: "KEY" },
    ]);
  });

  it("turns the health check into a Docker HEALTHCHECK and derives the wait from its timings", () => {
    const h = users!.create.Healthcheck!;
    expect(h.Test?.[0]).toBe("CMD-SHELL");
    expect(h.Test?.[1]).toContain("http://127.0.0.1:8080/health");
    expect(h).toMatchObject({ Interval: 2e9, Timeout: 1e9, Retries: 3, StartPeriod: 20e9 });
    expect(users!.readyTimeoutMs).toBe((20 + 30) * 1000);
    expect(accounts!.create.Healthcheck).toBeUndefined();
    expect(healthcheck(service({ name: "c", health: { check: { kind: "command", command: ["pg_isready"] }, startupGraceSeconds: 0, periodSeconds: 5, timeoutSeconds: 1, failureThreshold: 1 } }))?.Test).toEqual(["CMD", "pg_isready"]);
    expect(healthcheck(service({ name: "t", ports: [{ name: "db", port: 5432, protocol: "TCP" }], health: { check: { kind: "tcp", port: "db" }, startupGraceSeconds: 0, periodSeconds: 1, timeoutSeconds: 1, failureThreshold: 1 } }))?.Test?.[1]).toContain("connect(5432,'127.0.0.1')");
  });

  it("without a health check, ready means its first published TCP port answers; with one, the check decides", () => {
    expect(users!.answersOn).toBeUndefined();
    const [web, worker] = planContainers(
      { ...project, services: [service({ name: "web", ports: [{ name: "dns", port: 53, protocol: "UDP", forward: 5353 }, { name: "http", port: 8080, protocol: "TCP", forward: 18080 }] }), service({ name: "worker", ports: [{ name: "http", port: 8080, protocol: "TCP" }] })] },
      { web: "w:1", worker: "k:1" },
    );
    expect(web!.answersOn).toBe(18080);
    expect(worker!.answersOn).toBeUndefined();
  });

  it("keeps dependencies and runs one container per service", () => {
    expect(users!.dependsOn).toEqual(["accounts"]);
    expect(users!.replicasSkipped).toBe(1);
    expect(() => planContainers(project, { users: "x" })).toThrow(/accounts/);
  });

  it("runs a given entrypoint instead of the image's (the restart loop), dropping args it already holds", () => {
    const withArgs: LocalProject = { ...project, services: [service({ name: "api", command: ["node"], args: ["a.js"] })] };
    expect(planContainers(withArgs, { api: "i" })[0]!.create).toMatchObject({ Entrypoint: ["node"], Cmd: ["a.js"] });
    const wrapped = planContainers(withArgs, { api: "i" }, { api: ["/bin/sh", "-c", "loop", "devup-restart", "node", "a.js"] })[0]!.create;
    expect(wrapped.Entrypoint).toEqual(["/bin/sh", "-c", "loop", "devup-restart", "node", "a.js"]);
    expect(wrapped.Cmd).toBeUndefined();
  });
});

describe("run-local volumes", () => {
  const withVolume: LocalProject = { name: "shop", environment: "dev", services: [service({ name: "db", volumes: [{ name: "data", mountPath: "/var/lib/postgresql/data" }] }), service({ name: "web" })] };
  const [db, web] = planContainers(withVolume, { db: "postgres:16", web: "web:1" });

  it("mount a Docker named volume per spec volume, named and labelled by project, environment and service", () => {
    expect(db!.create.HostConfig?.Mounts).toEqual([{ Type: "volume", Source: "devup-shop-dev-db-data", Target: "/var/lib/postgresql/data" }]);
    expect(db!.volumes).toEqual([
      {
        name: "devup-shop-dev-db-data",
        labels: { "devup.dev/project": "shop", "devup.dev/environment": "dev", "app.kubernetes.io/managed-by": "devup", "devup.dev/service": "db", "devup.dev/volume": "data" },
      },
    ]);
  });

  it("leave services without volumes with no mounts", () => {
    expect(web!.create.HostConfig?.Mounts).toBeUndefined();
    expect(web!.volumes).toEqual([]);
  });
});
