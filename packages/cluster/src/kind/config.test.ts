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

  it("rejects impossible ports and worker counts", () => {
    expect(() => kindConfigYaml({ httpPort: 70000 })).toThrow(RangeError);
    expect(() => kindConfigYaml({ workers: -1 })).toThrow(RangeError);
  });
});
