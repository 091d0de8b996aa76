import { describe, expect, it } from "vitest";
import { choosePod, findServicePort, isPodReady, resolveTargetPort } from "./forward-target.ts";
import type { Pod, Service } from "./types.ts";

const selector = { "app.kubernetes.io/name": "users", "devup.dev/project": "shop" };
const service: Service = {
  metadata: { name: "users" },
  spec: {
    selector,
    ports: [
      { name: "http", port: 80, targetPort: "web" },
      { name: "metrics", port: 9090, targetPort: 9091 },
      { name: "dns", port: 53, targetPort: 53, protocol: "UDP" },
    ],
  },
};

function pod(name: string, created: string, ready: boolean, extra: { deleting?: boolean; labels?: Record<string, string>; webPort?: number } = {}): Pod {
  return {
    metadata: {
      name,
      creationTimestamp: created,
      labels: extra.labels ?? { ...selector, "pod-template-hash": "abc" },
      ...(extra.deleting ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}),
    },
    spec: { containers: [{ name: "app", ports: extra.webPort === undefined ? [] : [{ name: "web", containerPort: extra.webPort }] }] },
    status: { phase: "Running", conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
  };
}

const older = pod("users-a", "2026-01-01T10:00:00Z", true, { webPort: 8080 });
const newer = pod("users-b", "2026-01-01T11:00:00Z", true, { webPort: 8080 });

describe("service ports", () => {
  it("finds a port by name or by number, also written as a string", () => {
    expect(findServicePort(service, "http")?.port).toBe(80);
    expect(findServicePort(service, 9090)?.name).toBe("metrics");
    expect(findServicePort(service, "9090")?.name).toBe("metrics");
    expect(findServicePort(service, "nope")).toBeUndefined();
  });

  it("resolves a named targetPort from the pod's container ports", () => {
    expect(resolveTargetPort({ port: 80, targetPort: "web" }, older)).toBe(8080);
    expect(resolveTargetPort({ port: 80, targetPort: "web" }, pod("x", "", true))).toBeUndefined();
    expect(resolveTargetPort({ port: 80 }, older)).toBe(80);
    expect(resolveTargetPort({ port: 80, targetPort: 3000 }, older)).toBe(3000);
  });
});

describe("isPodReady", () => {
  it("needs the Ready condition and no deletion under way", () => {
    expect(isPodReady(older)).toBe(true);
    expect(isPodReady(pod("x", "", false))).toBe(false);
    expect(isPodReady(pod("x", "", true, { deleting: true }))).toBe(false);
  });
});

describe("choosePod", () => {
  it("picks the oldest ready pod, with the container port behind a named targetPort", () => {
    expect(choosePod("users", service, [newer, older], "http")).toEqual({ kind: "pod", pod: "users-a", port: 8080 });
  });

  it("keeps using the preferred pod while it is ready, and moves on when it goes away", () => {
    expect(choosePod("users", service, [older, newer], "http", { prefer: "users-b" })).toMatchObject({ pod: "users-b" });
    const terminating = pod("users-b", "2026-01-01T11:00:00Z", true, { deleting: true, webPort: 8080 });
    expect(choosePod("users", service, [older, terminating], "http", { prefer: "users-b" })).toMatchObject({ pod: "users-a" });
  });

  it("passes over pods that just failed while another is ready, but uses them when nothing else is", () => {
    expect(choosePod("users", service, [older, newer], "http", { avoid: new Set(["users-a"]) })).toMatchObject({ pod: "users-b" });
    expect(choosePod("users", service, [older], "http", { avoid: new Set(["users-a"]) })).toMatchObject({ pod: "users-a" });
  });

  it("ignores pods the Service does not select", () => {
    const stranger = pod("other", "2026-01-01T09:00:00Z", true, { labels: { "app.kubernetes.io/name": "other" }, webPort: 8080 });
    expect(choosePod("users", service, [stranger, newer], "http")).toMatchObject({ pod: "users-b" });
  });

  it("waits when there is no Service yet, no pod, or no ready pod", () => {
    expect(choosePod("users", undefined, [older], "http")).toEqual({ kind: "waiting", reason: "service users does not exist (yet)" });
    expect(choosePod("users", service, [], "http")).toEqual({ kind: "waiting", reason: "no pod matches service users" });
    expect(choosePod("users", service, [pod("x", "", false)], "http")).toEqual({ kind: "waiting", reason: "no ready pod behind service users (1 not ready)" });
  });

  it("is an error when the request cannot work: unknown port, UDP, no selector, no such container port", () => {
    expect(choosePod("users", service, [older], "grpc")).toEqual({ kind: "error", reason: "service users has no port grpc (its ports: http (80), metrics (9090), dns (53))" });
    expect(choosePod("users", service, [older], "dns")).toMatchObject({ kind: "error", reason: "port dns of service users is UDP; only TCP can be forwarded" });
    expect(choosePod("users", { spec: { ports: [{ port: 80 }] } }, [older], 80)).toMatchObject({ kind: "error" });
    expect(choosePod("users", service, [pod("x", "", true)], "http")).toEqual({ kind: "error", reason: 'the pods of service users have no container port named "web"' });
  });
});
