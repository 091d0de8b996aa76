import { memoryFs, validateProject, type ResolvedProject } from "@devup/project";
import { describe, expect, it } from "vitest";
import { reportIngressConflicts, ingressConflicts } from "./ingress-conflicts.ts";
import type { ClusterRoute, Ports } from "./ports.ts";
import { initialState, type Action } from "./state.ts";
import { Store } from "./store.ts";

function project(): ResolvedProject {
  const files: Record<string, string> = {
    "dev.yaml": "name: shop\n",
    "services/api/service.yaml": "image: nginx:1.27\nports:\n  - port: 8080\ningress:\n  - { host: api.localhost, path: /v1 }\n",
  };
  return validateProject({ root: "/p", devFile: { path: "dev.yaml", text: files["dev.yaml"]! }, serviceFiles: [{ path: "services/api/service.yaml", text: files["services/api/service.yaml"]! }] }, memoryFs(files)).value!;
}

const route = (namespace: string, host: string, path: string): ClusterRoute => ({ namespace, ingress: "api", host, path });

describe("ingressConflicts", () => {
  it("the same host and path in another namespace is a conflict (a trailing slash is the same path)", () => {
    expect(ingressConflicts(project(), [route("blog", "api.localhost", "/v1/")])).toEqual([{ service: "api", host: "api.localhost", path: "/v1", namespace: "blog", ingress: "api" }]);
  });

  it("the project's own Ingress, another host or another path is not", () => {
    expect(ingressConflicts(project(), [route("shop", "api.localhost", "/v1"), route("blog", "blog.localhost", "/v1"), route("blog", "api.localhost", "/v2")])).toEqual([]);
  });
});

describe("reportIngressConflicts", () => {
  it("says each conflict in words with the spec file and what to do; a cluster that cannot be asked is a warning too", async () => {
    const p = project();
    const store = new Store(initialState(p.name, p.environment, p.namespace, p.cluster.name, p.services));
    const actions: Action[] = [];
    store.subscribe((_s, a) => actions.push(a));
    const ports = (ingressRoutes: () => Promise<ClusterRoute[]>) => ({ kube: { ingressRoutes } }) as unknown as Ports;
    await reportIngressConflicts(p, ports(() => Promise.resolve([route("blog", "api.localhost", "/v1")])), store);
    await reportIngressConflicts(p, ports(() => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:6443"))), store);
    expect(actions).toEqual([
      { type: "log", level: "warn", message: "[api] ingress api.localhost/v1 is also claimed by Ingress api in namespace blog: requests go to only one of them. Change host or path in services/api/service.yaml, or remove the other (dev down in its project)" },
      { type: "log", level: "warn", message: "could not look for ingress routes other projects claim: connect ECONNREFUSED 127.0.0.1:6443" },
    ]);
  });
});
