import { describe, expect, it } from "vitest";
import { hostsToml, parseRegistryPort, registryFromContainer, registryHost, registryHostingConfigMap } from "./registry.ts";

const info = (ports: Record<string, Array<{ HostIp: string; HostPort: string }> | null>) => ({
  Name: "/devup-registry",
  State: { Running: true },
  NetworkSettings: { Ports: null },
  HostConfig: { PortBindings: ports },
});

describe("local registry", () => {
  it("reads name and ports from the container's bindings", () => {
    expect(registryFromContainer(info({ "5000/tcp": [{ HostIp: "127.0.0.1", HostPort: "5001" }] }))).toEqual({ name: "devup-registry", port: 5001, containerPort: 5000 });
    expect(registryFromContainer(info({ "5000/tcp": [{ HostIp: "127.0.0.1", HostPort: "5001" }] }), 5002)).toBeUndefined();
    expect(registryFromContainer(info({}))).toBeUndefined();
  });

  it("maps localhost:<port> to the container on the kind network", () => {
    const r = { name: "devup-registry", port: 5001, containerPort: 5000 };
    expect(registryHost(r)).toBe("localhost:5001");
    expect(hostsToml(r)).toBe('[host."http://devup-registry:5000"]\n  capabilities = ["pull", "resolve"]\n');
    expect(registryHostingConfigMap(r)).toContain('  localRegistryHosting.v1: |\n    host: "localhost:5001"\n    hostFromClusterNetwork: "devup-registry:5000"\n');
  });

  it("parses the harness's REGISTRY= address", () => {
    expect(parseRegistryPort("127.0.0.1:5001")).toBe(5001);
    expect(parseRegistryPort("nonsense")).toBeUndefined();
  });
});
