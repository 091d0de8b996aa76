import { describe, expect, it } from "vitest";
import { kindConfigYaml } from "./config.ts";

describe("kind config", () => {
  it("is a single control plane by default", () => {
    expect(kindConfigYaml()).toBe("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: control-plane\n");
  });

  it("maps the HTTP port on 127.0.0.1, adds workers, the registry config path and no default CNI", () => {
    expect(kindConfigYaml({ workers: 2, httpPort: 8080, registryConfigPath: true, disableDefaultCNI: true })).toBe(
      [
        "kind: Cluster",
        "apiVersion: kind.x-k8s.io/v1alpha4",
        "networking:",
        "  disableDefaultCNI: true",
        "nodes:",
        "  - role: control-plane",
        "    labels:",
        '      ingress-ready: "true"',
        "    extraPortMappings:",
        "      - containerPort: 80",
        "        hostPort: 8080",
        '        listenAddress: "127.0.0.1"',
        "        protocol: TCP",
        "  - role: worker",
        "  - role: worker",
        "containerdConfigPatches:",
        "  - |-",
        '    [plugins."io.containerd.grpc.v1.cri".registry]',
        '      config_path = "/etc/containerd/certs.d"',
        "",
      ].join("\n"),
    );
  });

  it("lists extra control-plane nodes after the first, which alone carries the ingress mapping", () => {
    const yaml = kindConfigYaml({ controlPlanes: 3, workers: 1, httpPort: 8080 });
    expect(yaml.split("\n").filter((l) => l.startsWith("  - role: "))).toEqual(["  - role: control-plane", "  - role: control-plane", "  - role: control-plane", "  - role: worker"]);
    expect(yaml.match(/hostPort: 8080/g)).toHaveLength(1);
    expect(yaml.indexOf("hostPort: 8080")).toBeLessThan(yaml.indexOf("  - role: control-plane", yaml.indexOf("hostPort")));
  });

  it("rejects impossible ports and node counts", () => {
    expect(() => kindConfigYaml({ httpPort: 70000 })).toThrow(RangeError);
    expect(() => kindConfigYaml({ workers: -1 })).toThrow(RangeError);
    expect(() => kindConfigYaml({ controlPlanes: 0 })).toThrow(RangeError);
  });
});
