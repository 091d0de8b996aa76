import { describe, expect, it } from "vitest";
import { routesOf } from "./ingress-routes.ts";

describe("routesOf", () => {
  it("every host + path of every rule; a rule without host is any host; Ingresses being deleted are left out", () => {
    expect(
      routesOf([
        { metadata: { name: "users", namespace: "shop" }, spec: { rules: [{ host: "api.localhost", http: { paths: [{ path: "/v1/users" }, { path: "/v2/users" }] } }, { http: { paths: [{}] } }] } },
        { metadata: { name: "old", namespace: "blog", deletionTimestamp: "2026-01-01T00:00:00Z" }, spec: { rules: [{ host: "api.localhost", http: { paths: [{ path: "/v1/users" }] } }] } },
      ]),
    ).toEqual([
      { namespace: "shop", ingress: "users", host: "api.localhost", path: "/v1/users" },
      { namespace: "shop", ingress: "users", host: "api.localhost", path: "/v2/users" },
      { namespace: "shop", ingress: "users", host: "*", path: "/" },
    ]);
  });
});
