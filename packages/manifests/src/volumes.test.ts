import { validateFiles, type ResolvedProject } from "@devup/project";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { describe, expect, it } from "vitest";
import { testJob } from "./job.ts";
import { buildObjects } from "./objects.ts";
import type { KubeObject } from "./types.ts";

function project(db: string): ResolvedProject {
  const r = validateFiles({ "dev.yaml": "name: shop\n", "services/db/service.yaml": db, "services/web/service.yaml": "image: web:1\nports: [{ port: 8080 }]\n" });
  expect(r.errors).toEqual([]);
  return r.value!;
}

const images = { db: "postgres:16", web: "web:1" };
type Dep = { spec: { strategy: unknown; template: { spec: { volumes?: unknown[]; containers: Array<{ volumeMounts?: unknown[] }> } } } };
const find = (objects: KubeObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

describe("persistent volumes", () => {
  const objects = buildObjects(project("image: postgres:16\nports: [{ port: 5432 }]\nvolumes:\n  - { name: data, mountPath: /var/lib/postgresql/data }\n  - { name: backups, mountPath: /backups, size: 5Gi, storageClass: standard }\n"), images);

  it("become a claim each, on the default StorageClass unless the spec names one, valid for the API server", () => {
    const data = find(objects, "PersistentVolumeClaim", "db-data")!;
    expect(data).toBeDefined();
    new PersistentVolumeClaim(data).validate();
    expect(data.spec).toEqual({ accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } });
    expect(data.metadata.labels).toMatchObject({ "app.kubernetes.io/name": "db", "devup.dev/volume": "data", "app.kubernetes.io/managed-by": "devup", "devup.dev/project": "shop" });
    const backups = find(objects, "PersistentVolumeClaim", "db-backups")!;
    new PersistentVolumeClaim(backups).validate();
    expect(backups.spec).toMatchObject({ storageClassName: "standard", resources: { requests: { storage: "5Gi" } } });
  });

  it("come before the Deployment that mounts them", () => {
    const order = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(order.indexOf("PersistentVolumeClaim/db-data")).toBeLessThan(order.indexOf("Deployment/db"));
  });

  it("are mounted into the pod, which is recreated rather than rolled (ReadWriteOnce)", () => {
    const db = find(objects, "Deployment", "db")!;
    new Deployment(db).validate();
    const spec = (db as unknown as Dep).spec;
    expect(spec.strategy).toEqual({ type: "Recreate" });
    expect(spec.template.spec.volumes).toEqual([
      { name: "v-data", persistentVolumeClaim: { claimName: "db-data" } },
      { name: "v-backups", persistentVolumeClaim: { claimName: "db-backups" } },
    ]);
    expect(spec.template.spec.containers[0]!.volumeMounts).toEqual([
      { name: "v-data", mountPath: "/var/lib/postgresql/data" },
      { name: "v-backups", mountPath: "/backups" },
    ]);
  });

  it("leave services without volumes rolling as before, with no claims", () => {
    const web = find(objects, "Deployment", "web") as unknown as Dep;
    expect(web.spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(web.spec.template.spec.volumes).toBeUndefined();
    expect(objects.filter((o) => o.kind === "PersistentVolumeClaim").map((o) => o.metadata.name).sort()).toEqual(["db-backups", "db-data"]);
  });

  it("stay out of dev ci's test Job (it must not open the service's data)", () => {
    const p = project("image: postgres:16\nvolumes: [{ name: data, mountPath: /data }]\ntest: { command: [sh, -c, 'true'] }\n");
    const job = testJob(p, p.services.find((s) => s.name === "db")!, "postgres:16", { runId: "r1", timeoutSeconds: 60 }) as unknown as { spec: { template: { spec: { volumes?: unknown[]; containers: Array<{ volumeMounts?: unknown[] }> } } } };
    expect(job.spec.template.spec.volumes ?? []).toEqual([]);
    expect(job.spec.template.spec.containers[0]!.volumeMounts ?? []).toEqual([]);
  });

  it("the claim check can fail (a claim without a size request is not a valid object)", () => {
    const broken = { ...find(objects, "PersistentVolumeClaim", "db-data")!, spec: { accessModes: "ReadWriteOnce" } };
    expect(() => new PersistentVolumeClaim(broken as never).validate()).toThrow(/accessModes/);
  });
});
