import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { validateFiles, type ResolvedProject } from "@devup/project";
import { CustomResourceDefinition } from "kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { IngressClass } from "kubernetes-models/networking.k8s.io/v1/IngressClass";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { describe, expect, it } from "vitest";
import { ingressControllerObjects, ingressRoutes, TRAEFIK_CONTROLLER, TRAEFIK_UPSTREAM_IMAGE, TRAEFIK_VERSION, wantsIngressController } from "./ingress-controller.ts";
import { buildObjects } from "./objects.ts";
import type { KubeObject } from "./types.ts";

const models: Record<string, new (data: never) => { validate(): void }> = { CustomResourceDefinition, Deployment, IngressClass, ClusterRole, ClusterRoleBinding, Namespace, ServiceAccount, Ingress };

function project(dev: string, services: Record<string, string>): ResolvedProject {
  const files: Record<string, string> = { "dev.yaml": dev };
  for (const [name, text] of Object.entries(services)) files[`services/${name}/service.yaml`] = text;
  const result = validateFiles(files);
  expect(result.errors).toEqual([]);
  return result.value!;
}

const api = "image: example/api:1\nports:\n  - port: 8080\ningress:\n  - { host: api.localhost, path: /v1/users }\n  - { host: api.localhost, path: /v2/users }\n";
const web = "image: example/web:1\nports:\n  - name: web\n    port: 3000\ningress:\n  - { path: / }\n";
const kindDev = "name: shop\ncluster:\n  ingress: { className: traefik, httpPort: 8000 }\n";

// What the kind provider says for kindDev (devup's Traefik on 127.0.0.1:8000), and what a context cluster says.
const local = { installsController: true, hostPort: 8000 };
const external = { installsController: false, hostPort: undefined };

const byKind = (objects: KubeObject[], kind: string) => objects.filter((o) => o.kind === kind);

describe("the ingress controller objects", () => {
  const objects = ingressControllerObjects({ image: "localhost:5001/traefik:v3.6.12", className: "traefik" });

  it("are valid Kubernetes objects, CRDs and namespace first", () => {
    expect(objects.map((o) => o.kind)).toEqual([...Array<string>(10).fill("CustomResourceDefinition"), "Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "IngressClass", "Deployment"]);
    for (const o of objects) new models[o.kind]!(o as never).validate();
    for (const o of objects) expect(o.metadata.labels).toMatchObject({ "app.kubernetes.io/managed-by": "devup", "app.kubernetes.io/part-of": "devup-ingress" });
    // No project labels: pruning and `dev down` of a project never select the shared controller.
    for (const o of objects) expect(o.metadata.labels).not.toHaveProperty("devup.dev/project");
  });

  it("declare the IngressClass Traefik watches for", () => {
    const [cls] = byKind(objects, "IngressClass");
    expect(cls).toMatchObject({ metadata: { name: "traefik" }, spec: { controller: "traefik.io/ingress-controller" } });
    expect(TRAEFIK_CONTROLLER).toBe("traefik.io/ingress-controller");
  });

  it("define every kind Traefik's CRD provider watches (a missing one stalls it), served as traefik.io/v1alpha1 with an open schema", () => {
    const crds = byKind(objects, "CustomResourceDefinition") as Array<KubeObject & { spec: { group: string; scope: string; names: { kind: string; plural: string }; versions: Array<{ name: string; served: boolean; storage: boolean; schema: { openAPIV3Schema: Record<string, unknown> } }> } }>;
    expect(crds.map((c) => c.spec.names.kind).sort()).toEqual(
      ["IngressRoute", "IngressRouteTCP", "IngressRouteUDP", "Middleware", "MiddlewareTCP", "ServersTransport", "ServersTransportTCP", "TLSOption", "TLSStore", "TraefikService"].sort(),
    );
    for (const c of crds) {
      expect(c.metadata.name).toBe(`${c.spec.names.plural}.traefik.io`);
      expect(c.spec.scope).toBe("Namespaced");
      // spec declared (server-side apply refuses a field the schema does not declare), its contents open.
      const open = { type: "object", "x-kubernetes-preserve-unknown-fields": true };
      expect(c.spec.versions).toEqual([{ name: "v1alpha1", served: true, storage: true, schema: { openAPIV3Schema: { ...open, properties: { spec: open } } } }]);
    }
  });

  it("let Traefik read what its Kubernetes Ingress and CRD providers watch, and nothing more", () => {
    const [role] = byKind(objects, "ClusterRole") as Array<KubeObject & { rules: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }> }>;
    const granted = role!.rules.flatMap((r) => r.resources.map((res) => `${r.apiGroups[0] || "core"}/${res}`)).sort();
    const traefik = ["ingressroutes", "ingressroutetcps", "ingressrouteudps", "middlewares", "middlewaretcps", "serverstransports", "serverstransporttcps", "tlsoptions", "tlsstores", "traefikservices"].map((r) => `traefik.io/${r}`);
    expect(granted).toEqual(["core/configmaps", "core/nodes", "core/secrets", "core/services", "discovery.k8s.io/endpointslices", "networking.k8s.io/ingressclasses", "networking.k8s.io/ingresses", ...traefik].sort());
    for (const r of role!.rules) expect(r.verbs).toEqual(["get", "list", "watch"]);
    const [binding] = byKind(objects, "ClusterRoleBinding");
    expect(binding).toMatchObject({ roleRef: { name: role!.metadata.name }, subjects: [{ kind: "ServiceAccount", name: "traefik", namespace: "devup-ingress" }] });
  });

  it("run one Traefik on the ingress-ready node, bound to its port 80, ready when /ping answers", () => {
    const [d] = byKind(objects, "Deployment") as Array<KubeObject & { spec: Record<string, never> }>;
    const spec = d!.spec as unknown as {
      strategy: { type: string };
      template: { spec: { nodeSelector: Record<string, string>; serviceAccountName: string; containers: Array<Record<string, unknown> & { args: string[]; ports: Array<Record<string, unknown>> }> } };
    };
    expect(spec.strategy.type).toBe("Recreate");
    expect(spec.template.spec.nodeSelector).toEqual({ "ingress-ready": "true" });
    expect(spec.template.spec.serviceAccountName).toBe("traefik");
    const [c] = spec.template.spec.containers;
    expect(c!.image).toBe("localhost:5001/traefik:v3.6.12");
    expect(c!.ports).toContainEqual({ name: "web", containerPort: 80, hostPort: 80, protocol: "TCP" });
    expect(c!.args).toEqual(
      expect.arrayContaining(["--entryPoints.web.address=:80", "--ping=true", "--providers.kubernetesingress=true", "--providers.kubernetesingress.ingressClass=traefik", "--providers.kubernetescrd=true", "--global.checkNewVersion=false"]),
    );
    expect(c!.readinessProbe).toEqual({ httpGet: { path: "/ping", port: "ping" }, periodSeconds: 2, failureThreshold: 3 });
    expect(c!.ports).toContainEqual({ name: "ping", containerPort: 9000, protocol: "TCP" });
    expect(c!.args).toContain("--entryPoints.traefik.address=:9000");
  });

  it("use the class the spec names", () => {
    const custom = ingressControllerObjects({ image: TRAEFIK_UPSTREAM_IMAGE, className: "edge" });
    expect(byKind(custom, "IngressClass")[0]!.metadata.name).toBe("edge");
    expect(JSON.stringify(byKind(custom, "Deployment"))).toContain("--providers.kubernetesingress.ingressClass=edge");
  });

  it("pin the version the offline harness builds", () => {
    const lib = readFileSync(fileURLToPath(new URL("../../../scripts/cluster/lib.sh", import.meta.url)), "utf8");
    expect(/TRAEFIK_VERSION="\$\{TRAEFIK_VERSION:-([^}]+)\}"/.exec(lib)?.[1]).toBe(TRAEFIK_VERSION);
    expect(TRAEFIK_UPSTREAM_IMAGE).toBe(`traefik:${TRAEFIK_VERSION}`);
  });
});

describe("routes", () => {
  it("on kind: installed only when routes use the traefik class; URLs on the mapped host port", () => {
    const p = project(kindDev, { api, web });
    expect(wantsIngressController(p, local)).toBe(true);
    expect(ingressRoutes(p, local).map((r) => `${r.url} → ${r.service}:${r.port}`)).toEqual([
      "http://api.localhost:8000/v1/users → api:http",
      "http://api.localhost:8000/v2/users → api:http",
      "http://localhost:8000/ → web:web",
    ]);
    expect(wantsIngressController(project(kindDev, { db: "image: example/db:1\nports:\n  - port: 5432\n" }), local)).toBe(false);
    expect(wantsIngressController(project("name: shop\ncluster:\n  ingress: { className: nginx }\n", { api }), local)).toBe(false);
  });

  it("on a context cluster: nothing installed, URLs without the local port", () => {
    const p = project("name: shop\ncluster:\n  provider: context\n  context: prod\n  registry: registry.example.com/team\n", { api });
    expect(wantsIngressController(p, external)).toBe(false);
    expect(ingressRoutes(p, external).map((r) => r.url)).toEqual(["http://api.localhost/v1/users", "http://api.localhost/v2/users"]);
  });

  it("are Ingress objects with the class and Prefix paths Traefik serves", () => {
    const p = project(kindDev, { api, web });
    const ingresses = byKind(buildObjects(p, {}), "Ingress");
    for (const o of ingresses) new models.Ingress!(o as never).validate();
    expect(ingresses.map((o) => o.spec)).toEqual([
      {
        ingressClassName: "traefik",
        rules: [
          {
            host: "api.localhost",
            http: {
              paths: [
                { path: "/v1/users", pathType: "Prefix", backend: { service: { name: "api", port: { name: "http" } } } },
                { path: "/v2/users", pathType: "Prefix", backend: { service: { name: "api", port: { name: "http" } } } },
              ],
            },
          },
        ],
      },
      { ingressClassName: "traefik", rules: [{ host: "localhost", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { name: "web" } } } }] } }] },
    ]);
  });
});
