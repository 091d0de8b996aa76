/**
 * Shared set-up for the kube e2e tests: the shared kind cluster, a Kube handle on it, the test
 * app image (built from ./app, loaded into the cluster), throwaway namespaces and object builders.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createKube } from "@devup/kube";
import type { Kube, KubeObject } from "@devup/kube";
import { e2eCluster, offlineTools } from "../harness.ts";
import type { E2ECluster } from "../harness.ts";

const appDir = fileURLToPath(new URL("./app/", import.meta.url));

export interface KubeFixture {
  cluster: E2ECluster;
  kube: Kube;
  /** The app image, present on the cluster's node. */
  image: string;
}

let fixture: KubeFixture | undefined;

/** Whether every node already lists the image (its tag is a content hash, so the name is enough). */
async function onAllNodes(kube: Kube, image: string): Promise<boolean> {
  const nodes = await kube.core.listNode();
  const name = `docker.io/library/${image}`;
  return nodes.items.length > 0 && nodes.items.every((n) => n.status?.images?.some((i) => i.names?.includes(name)));
}

/** The cluster, and the app image built (when its files changed) and loaded into it (when missing there). */
export async function kubeFixture(): Promise<KubeFixture> {
  if (fixture) return fixture;
  const cluster = e2eCluster();
  const { kind } = offlineTools();
  const hash = createHash("sha256")
    .update(readFileSync(join(appDir, "Dockerfile")))
    .update(readFileSync(join(appDir, "server.js")))
    .digest("hex")
    .slice(0, 12);
  const image = `devup-e2e-kube-app:${hash}`;
  try {
    execFileSync("docker", ["image", "inspect", image], { stdio: "ignore" });
  } catch {
    execFileSync("docker", ["build", "-q", "-t", image, appDir], { stdio: ["ignore", "ignore", "inherit"] });
  }
  const kube = createKube({ kubeconfigPath: cluster.kubeconfig, context: cluster.context });
  // `kind load` saves and imports the whole image (~15 s) even when the node has it under another ID.
  if (!(await onAllNodes(kube, image))) {
    execFileSync(kind, ["load", "docker-image", image, "--name", cluster.name], { stdio: ["ignore", "ignore", "inherit"] });
  }
  fixture = { cluster, kube, image };
  return fixture;
}

/** A fresh namespace name for one test file. */
export function namespaceName(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Deletes a namespace without waiting for it to go. */
export async function deleteNamespace(kube: Kube, name: string): Promise<void> {
  await kube.core.deleteNamespace({ name }).catch(() => undefined);
}

export function labels(namespace: string, service: string): Record<string, string> {
  return {
    "app.kubernetes.io/managed-by": "devup",
    "devup.dev/project": namespace,
    "devup.dev/environment": "e2e",
    "app.kubernetes.io/name": service,
  };
}

/** Labelled like devup's own (an apply with no fields at all would leave no managedFields behind). */
export function namespaceObject(name: string): KubeObject {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { "app.kubernetes.io/managed-by": "devup", "devup.dev/project": name } } };
}

export function configMap(namespace: string, name: string, data: Record<string, string>): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace, labels: labels(namespace, name) }, data };
}

export interface AppOptions {
  replicas?: number;
  command?: string[];
  image?: string;
  imagePullPolicy?: string;
  /** Where the readiness probe looks (default: the "http" port). */
  readinessPort?: number | string;
  /** Extra pod labels (e.g. for a Service that selects pods of several Deployments). */
  podLabels?: Record<string, string>;
  env?: Record<string, string>;
}

/** A devup-like Deployment of the app: a named container port "http" and an HTTP readiness probe. */
export function deployment(namespace: string, name: string, image: string, options: AppOptions = {}): KubeObject {
  const selector = { "app.kubernetes.io/name": name, "devup.dev/project": namespace };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace, labels: labels(namespace, name) },
    spec: {
      replicas: options.replicas ?? 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: { ...selector, ...options.podLabels } },
        spec: {
          terminationGracePeriodSeconds: 5,
          containers: [
            {
              name: "app",
              image: options.image ?? image,
              imagePullPolicy: options.imagePullPolicy ?? "IfNotPresent",
              ...(options.command ? { command: options.command } : {}),
              ...(options.env ? { env: Object.entries(options.env).map(([name, value]) => ({ name, value })) } : {}),
              ports: [{ name: "http", containerPort: 8080 }],
              readinessProbe: { httpGet: { path: "/", port: options.readinessPort ?? "http" }, periodSeconds: 1, failureThreshold: 3 },
            },
          ],
        },
      },
    },
  };
}

/** A Service port "web" (80) whose targetPort is the container port named "http"; it selects the Deployment of the same name. */
export function service(namespace: string, name: string, selector: Record<string, string> = { "app.kubernetes.io/name": name }): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace, labels: labels(namespace, name) },
    spec: { selector: { ...selector, "devup.dev/project": namespace }, ports: [{ name: "web", port: 80, targetPort: "http" }] },
  };
}

/** Waits until `check` returns a value other than undefined (polls; for test assertions only). */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
