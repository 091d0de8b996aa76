import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { nodeProjectFs, readProjectSources, validateProject, type ProjectFs, type ResolvedProject } from "@devup/project";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { describe, expect, it } from "vitest";
import { buildObjects, redactSecrets, serviceObjectRefs, serviceObjects } from "./objects.ts";
import { renderFiles } from "./render.ts";
import type { KubeObject } from "./types.ts";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const goldenDir = fileURLToPath(new URL("../../../test/golden/", import.meta.url));

/** The samples as a fresh clone sees them: local secret.env files (git-ignored) are ignored. */
function sampleProject(environment: string): ResolvedProject {
  const real = nodeProjectFs(repoRoot);
  const fs: ProjectFs = { ...real, readFile: (p) => (p.endsWith("/secret.env") ? undefined : real.readFile(p)) };
  const result = validateProject(readProjectSources(repoRoot), fs, { environment });
  expect(result.errors).toEqual([]);
  return result.value!;
}

const images = { accounts: "devup.local/shop-accounts:0123456789ab", users: "devup.local/shop-users:0123456789ab", website: "devup.local/shop-website:0123456789ab" };

const models: Record<string, new (data: never) => { validate(): void }> = { Deployment, ConfigMap, Namespace, Secret, Service, Ingress, PodDisruptionBudget };

function validateAgainstOpenApi(o: KubeObject): void {
  const Model = models[o.kind];
  if (!Model) throw new Error(`no schema model for kind ${o.kind}`);
  new Model(o as never).validate();
}

describe("manifests for the samples", () => {
  for (const env of ["local", "staging"]) {
    it(`are valid Kubernetes objects (${env})`, () => {
      const objects = buildObjects(sampleProject(env), images);
      expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
        `Namespace/${env === "local" ? "shop" : "shop-staging"}`,
        "ConfigMap/accounts-config", "ConfigMap/users-config", "ConfigMap/website-config",
        "Secret/accounts-secrets", "Secret/users-secrets", "Secret/website-secrets",
        "Service/accounts", "Service/users", "Service/website",
        // replicas > 1: website (2) locally; users (2) and website (3) in staging.
        ...(env === "local" ? ["PodDisruptionBudget/website"] : ["PodDisruptionBudget/users", "PodDisruptionBudget/website"]),
        "Deployment/accounts", "Deployment/users", "Deployment/website",
        "Ingress/accounts", "Ingress/users", "Ingress/website",
      ]);
      for (const o of [...objects, ...redactSecrets(objects)]) validateAgainstOpenApi(o);
    });
  }

  it("the OpenAPI check rejects a broken object (so the check above can fail)", () => {
    const [deploymentObject] = buildObjects(sampleProject("local"), images).filter((o) => o.kind === "Deployment");
    const broken = { ...deploymentObject!, spec: { ...(deploymentObject!.spec as object), replicas: "two" } };
    expect(() => validateAgainstOpenApi(broken)).toThrow(/replicas/);
  });

  it("match the golden files (UPDATE_GOLDEN=1 rewrites them)", () => {
    const files = renderFiles(redactSecrets(buildObjects(sampleProject("local"), images)), "dev.yaml (environment local)");
    const dir = `${goldenDir}samples-local/`;
    if (process.env.UPDATE_GOLDEN) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      for (const f of files) writeFileSync(dir + f.name, f.content);
    }
    expect(files.map((f) => f.name)).toEqual(readdirSync(dir).sort());
    for (const f of files) expect(f.content, f.name).toBe(readFileSync(dir + f.name, "utf8"));
  });

  it("roll pods when config or secrets change, and never leak secrets when redacted", () => {
    const project = { ...sampleProject("local"), hashKey: "k".repeat(64) };
    const before = buildObjects(project, images);
    const users = project.services.find((s) => s.name === "users")!;
    users.secrets!.values.API_TOKEN = "rotated";
    const after = buildObjects(project, images);
    const hash = (objects: KubeObject[]) =>
      (objects.find((o) => o.kind === "Deployment" && o.metadata.name === "users") as unknown as { spec: { template: { metadata: { annotations: Record<string, string> } } } })
        .spec.template.metadata.annotations["devup.dev/config-hash"];
    expect(hash(after)).not.toBe(hash(before));
    const text = JSON.stringify(redactSecrets(after));
    expect(text).not.toContain("rotated");
    expect(text).not.toContain(Buffer.from("rotated").toString("base64"));
    expect(JSON.stringify(after)).toContain(Buffer.from("rotated").toString("base64"));
  });

  it("key the secrets' part of the config hash: no offline guess from the annotation", () => {
    const hashOf = (p: ResolvedProject) =>
      (buildObjects(p, images).find((o) => o.kind === "Deployment" && o.metadata.name === "users") as unknown as { spec: { template: { metadata: { annotations: Record<string, string> } } } })
        .spec.template.metadata.annotations["devup.dev/config-hash"];
    const withValue = (value: string, hashKey?: string) => {
      const p = { ...sampleProject("local"), hashKey };
      p.services.find((s) => s.name === "users")!.secrets!.values.API_TOKEN = value;
      return hashOf(p);
    };
    // Without the key, a guesser who knows the config could test candidate secrets against the
    // annotation; so without a key the values are not hashed at all, only the names.
    expect(withValue("guess-1")).toBe(withValue("guess-2"));
    expect(withValue("guess-1", "a".repeat(64))).not.toBe(withValue("guess-2", "a".repeat(64)));
    expect(withValue("guess-1", "a".repeat(64))).not.toBe(withValue("guess-1", "b".repeat(64)));
    expect(withValue("guess-1", "a".repeat(64))).toBe(withValue("guess-1", "a".repeat(64)));
  });

  it("spread replicas across nodes and wire probes, env and mounts", () => {
    const objects = buildObjects(sampleProject("local"), images);
    const website = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "website") as unknown as {
      spec: { replicas: number; template: { spec: { topologySpreadConstraints: unknown[]; containers: Array<Record<string, unknown>> } } };
    };
    expect(website.spec.replicas).toBe(2);
    expect(website.spec.template.spec.topologySpreadConstraints).toHaveLength(1);
    const c = website.spec.template.spec.containers[0]!;
    expect(c.image).toBe(images.website);
    expect(c.readinessProbe).toEqual({ httpGet: { path: "/health", port: "http" }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 });
    expect(c.volumeMounts).toEqual([{ name: "config", mountPath: "/etc/website/index.html", subPath: "index.html", readOnly: true }]);
    expect(c.envFrom).toEqual([{ secretRef: { name: "website-secrets" } }]);
  });

  it("take spread and the disruption budget from the spec, and give neither to one replica", () => {
    const project = sampleProject("local");
    const tuned = {
      ...project,
      services: project.services.map((s) =>
        s.name === "website"
          ? { ...s, spread: { topologyKey: "topology.kubernetes.io/zone", maxSkew: 2, whenUnsatisfiable: "DoNotSchedule" as const }, disruptionBudget: { minAvailable: "50%" } }
          : s,
      ),
    };
    const objects = buildObjects(tuned, images);
    const website = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "website") as unknown as { spec: { template: { spec: { topologySpreadConstraints: unknown[] } } } };
    expect(website.spec.template.spec.topologySpreadConstraints).toEqual([
      { maxSkew: 2, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { "app.kubernetes.io/name": "website", "devup.dev/project": "shop" } } },
    ]);
    const pdbs = objects.filter((o) => o.kind === "PodDisruptionBudget");
    expect(pdbs.map((o) => [o.metadata.name, o.spec])).toEqual([
      ["website", { minAvailable: "50%", selector: { matchLabels: { "app.kubernetes.io/name": "website", "devup.dev/project": "shop" } } }],
    ]);
    for (const o of pdbs) validateAgainstOpenApi(o);
    // users and accounts run one replica: no spread, no budget.
    const users = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "users") as unknown as { spec: { template: { spec: Record<string, unknown> } } };
    expect(users.spec.template.spec.topologySpreadConstraints).toBeUndefined();
    const file = renderFiles(pdbs, "dev.yaml").find((f) => f.name === "35-poddisruptionbudget-website.yaml")!;
    expect(file.content).toContain("# Why: website has replicas > 1: a node drain keeps at least 50% of its pods up at a time (disruptionBudget: in services/website/service.yaml)");
    expect(serviceObjectRefs(tuned, tuned.services.find((s) => s.name === "website")!)).toContainEqual({ kind: "PodDisruptionBudget", name: "website", namespace: "shop" });
  });

  it("render the update strategy of the spec, and keep minReadySeconds only for pods without a readiness probe", () => {
    const project = sampleProject("local");
    const users = project.services.find((s) => s.name === "users")!;
    const tuned = { ...project, services: project.services.map((s) => (s === users ? { ...s, rollout: { ...s.rollout, maxSurge: "50%", maxUnavailable: 1 }, health: undefined, ports: [] } : s)) };
    const deployments = (p: ResolvedProject) =>
      buildObjects(p, images).filter((o) => o.kind === "Deployment") as unknown as Array<{ metadata: { name: string }; spec: { minReadySeconds?: number; strategy: unknown } }>;
    for (const d of deployments(project)) {
      expect(d.spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
      expect(d.spec.minReadySeconds).toBeUndefined();
    }
    const changed = deployments(tuned).find((d) => d.metadata.name === "users")!;
    expect(changed.spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: "50%", maxUnavailable: 1 } });
    expect(changed.spec.minReadySeconds).toBe(5);
  });

  it("are made per service: each service's own objects only (labelled with its name), needing only its own image", () => {
    const project = sampleProject("local");
    const users = project.services.find((s) => s.name === "users")!;
    const own = serviceObjects(project, users, images.users);
    expect(own.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(["ConfigMap/users-config", "Secret/users-secrets", "Service/users", "Deployment/users", "Ingress/users"]);
    expect(own.every((o) => o.metadata.labels?.["app.kubernetes.io/name"] === "users")).toBe(true);
    // The whole project is the namespace plus every service's objects.
    const all = buildObjects(project, images);
    expect(all.filter((o) => o.metadata.labels?.["app.kubernetes.io/name"] === "users")).toEqual(own);
    expect(all.length).toBe(1 + project.services.reduce((n, s) => n + serviceObjects(project, s, "x").length, 0));
  });

  it("name which objects a service owns without an image: the same objects serviceObjects makes", () => {
    const project = sampleProject("local");
    for (const s of project.services) {
      const refs = serviceObjectRefs(project, s).map((r) => `${r.kind}/${r.namespace ?? ""}/${r.name}`).sort();
      expect(refs).toEqual(serviceObjects(project, s, "any").map((o) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`).sort());
    }
  });
});
