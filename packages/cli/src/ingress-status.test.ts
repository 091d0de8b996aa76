import { describe, expect, it } from "vitest";
import { ingressLines } from "./ingress-status.ts";

const routes = [
  { service: "users", host: "api.localhost", path: "/v1/users", port: "http", url: "http://api.localhost:8000/v1/users" },
  { service: "website", host: "localhost", path: "/", port: "http", url: "http://localhost:8000/" },
];

describe("dev status: ingress lines", () => {
  it("list each route as URL → service under the controller's state", () => {
    expect(ingressLines({ controller: "ready", routes })).toEqual(["ROUTES (Traefik ready)", "  http://api.localhost:8000/v1/users → users", "  http://localhost:8000/ → website"]);
    expect(ingressLines({ controller: "ready", routes: [routes[0]!, { ...routes[1]!, claimedBy: "Ingress site in namespace other-shop" }] })[2]).toBe(
      "  http://localhost:8000/ → website (also claimed by Ingress site in namespace other-shop: requests go to only one of them)",
    );
    expect(ingressLines({ controller: "not installed", routes })[0]).toBe("ROUTES (Traefik not installed: dev up installs it)");
    expect(ingressLines({ controller: "external", routes })[0]).toBe("ROUTES (served by the cluster's own ingress controller)");
    expect(ingressLines({ controller: "no host port", routes })[0]).toBe("ROUTES (not reachable: the cluster was created without the ingress port mapping; dev up --recreate-cluster)");
  });

  it("say nothing without routes", () => {
    expect(ingressLines({ controller: "external", routes: [] })).toEqual([]);
  });
});
