// rollout.strategy canary as the spec resolves it: default steps, and the checks that need the
// cluster settings (the ingress class), with file:line:column. The per-service rules are in the
// invalid-canary fixture (fixtures.test.ts).
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "./diagnostics.ts";
import { validateFiles } from "./validate.ts";

const service = "image: example/api:1\nports:\n  - port: 8080\ningress:\n  - { host: api.localhost }\nrollout:\n  strategy: canary\n";

describe("canary in the spec", () => {
  it("resolves with the default steps and devup's Traefik class", () => {
    const r = validateFiles({ "dev.yaml": "name: shop\n", "services/api/service.yaml": service });
    expect(r.errors).toEqual([]);
    expect(r.value?.services[0]?.rollout).toMatchObject({ strategy: "canary", steps: [10, 50, 100], promote: "auto" });
  });

  it("refuses another ingress class: Traefik's weighted services would never be seen", () => {
    const r = validateFiles({ "dev.yaml": "name: shop\ncluster:\n  ingress: { className: nginx }\n", "services/api/service.yaml": service });
    expect(r.errors.map(formatDiagnostic)).toEqual([
      'services/api/service.yaml:7:13: error: services.api.rollout.strategy: canary splits the traffic with Traefik\'s weighted services, and the routes use ingress class "nginx": set cluster.ingress.className: traefik, or use strategy: blueGreen',
    ]);
  });
});
