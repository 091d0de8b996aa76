import { describe, expect, it } from "vitest";
import { ingressHostPort } from "./ingress-port.ts";

describe("ingressHostPort", () => {
  it("reads the host port bound to the node's port 80 from docker inspect's PortBindings", () => {
    // What `docker inspect` shows for a node created from devup's kind config (plus the API server port).
    const bindings = { "6443/tcp": [{ HostIp: "127.0.0.1", HostPort: "40123" }], "80/tcp": [{ HostIp: "127.0.0.1", HostPort: "8000" }] };
    expect(ingressHostPort(bindings)).toBe(8000);
  });

  it("is undefined for a node without that mapping", () => {
    expect(ingressHostPort({ "6443/tcp": [{ HostIp: "127.0.0.1", HostPort: "40123" }] })).toBeUndefined();
    expect(ingressHostPort({ "80/tcp": null })).toBeUndefined();
    expect(ingressHostPort(null)).toBeUndefined();
  });
});
