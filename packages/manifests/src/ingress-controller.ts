/**
 * The ingress controller `dev up` installs into kind clusters: Traefik with its Kubernetes Ingress
 * provider (services' routes) and its CRD provider (canary releases: an IngressRoute over a weighted
 * TraefikService, its CRDs in traefik-crds.ts), in a namespace of its own, shared by every project on the cluster. It runs on the node
 * labelled `ingress-ready=true` and binds that node's port 80 (hostPort), which the kind config
 * maps to 127.0.0.1:<cluster.ingress.httpPort>. Pure.
 */
import type { ResolvedProject } from "@devup/project";
import { TRAEFIK_GROUP, TRAEFIK_KINDS, traefikCrds } from "./traefik-crds.ts";
import { LABELS, MANAGED_BY, type KubeObject } from "./types.ts";

export const INGRESS_NAMESPACE = "devup-ingress";
/** The Deployment (and ServiceAccount) name in INGRESS_NAMESPACE. */
export const INGRESS_CONTROLLER_NAME = "traefik";
/** The controller name Traefik looks for in IngressClass objects. */
export const TRAEFIK_CONTROLLER = "traefik.io/ingress-controller";
/** Kept equal to TRAEFIK_VERSION in scripts/cluster/lib.sh (a unit test checks). */
export const TRAEFIK_VERSION = "v3.6.12";
/** The published image, for machines that pull from Docker Hub (no offline build). */
export const TRAEFIK_UPSTREAM_IMAGE = `traefik:${TRAEFIK_VERSION}`;

const PING_PORT = 9000;

export interface IngressControllerOptions {
  /** The image reference the nodes run. */
  image: string;
  /** The IngressClass name the project's Ingress objects use (cluster.ingress.className). */
  className: string;
}

const labels = { [LABELS.name]: INGRESS_CONTROLLER_NAME, [LABELS.partOf]: INGRESS_NAMESPACE, [LABELS.managedBy]: MANAGED_BY };
const selector = { [LABELS.name]: INGRESS_CONTROLLER_NAME, [LABELS.partOf]: INGRESS_NAMESPACE };

/** Where the cluster serves routes; its provider (packages/cluster) says. */
export interface IngressSite {
  /** devup installs its own controller (Traefik) on the cluster (kind). */
  installsController: boolean;
  /** The 127.0.0.1 port route URLs carry; undefined: the cluster's own ingress on port 80. */
  hostPort: number | undefined;
}

/** Whether devup installs a controller for this project: a cluster where it installs one, and routes using the Traefik class. */
export function wantsIngressController(project: ResolvedProject, site: IngressSite): boolean {
  return site.installsController && project.cluster.ingress.className === "traefik" && project.services.some((s) => s.ingress.length > 0);
}

/** The controller's objects, in apply order (its CRDs first: they must be Established before Traefik lists them). */
export function ingressControllerObjects(options: IngressControllerOptions): KubeObject[] {
  const name = INGRESS_CONTROLLER_NAME;
  const namespace = INGRESS_NAMESPACE;
  const clusterName = `${INGRESS_NAMESPACE}-${name}`;
  const read = ["get", "list", "watch"];
  return [
    ...traefikCrds(labels),
    { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace, labels } },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace, labels } },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: clusterName, labels },
      // What the kubernetesingress and kubernetescrd providers watch (their informers), read-only.
      rules: [
        { apiGroups: [""], resources: ["services", "secrets", "nodes", "configmaps"], verbs: read },
        { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: read },
        { apiGroups: ["networking.k8s.io"], resources: ["ingresses", "ingressclasses"], verbs: read },
        { apiGroups: [TRAEFIK_GROUP], resources: Object.values(TRAEFIK_KINDS), verbs: read },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: clusterName, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterName },
      subjects: [{ kind: "ServiceAccount", name, namespace }],
    },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "IngressClass",
      metadata: { name: options.className, labels },
      spec: { controller: TRAEFIK_CONTROLLER },
    },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace, labels },
      spec: {
        replicas: 1,
        // hostPort 80 on one node: the old pod must go before the new one can bind it.
        strategy: { type: "Recreate" },
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            nodeSelector: { "ingress-ready": "true" },
            // With worker nodes, the control plane (the labelled node) keeps its NoSchedule taint.
            tolerations: [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" }],
            terminationGracePeriodSeconds: 10,
            containers: [
              {
                name,
                image: options.image,
                args: [
                  "--entryPoints.web.address=:80",
                  `--entryPoints.traefik.address=:${PING_PORT}`,
                  "--ping=true",
                  "--ping.entryPoint=traefik",
                  "--providers.kubernetesingress=true",
                  `--providers.kubernetesingress.ingressClass=${options.className}`,
                  // canary releases: IngressRoutes over weighted TraefikServices.
                  "--providers.kubernetescrd=true",
                  "--log.level=INFO",
                  // No calls home: the cluster may have no route out at all.
                  "--global.checkNewVersion=false",
                  "--global.sendAnonymousUsage=false",
                ],
                ports: [
                  { name: "web", containerPort: 80, hostPort: 80, protocol: "TCP" },
                  { name: "ping", containerPort: PING_PORT, protocol: "TCP" },
                ],
                readinessProbe: { httpGet: { path: "/ping", port: "ping" }, periodSeconds: 2, failureThreshold: 3 },
                livenessProbe: { httpGet: { path: "/ping", port: "ping" }, periodSeconds: 10, failureThreshold: 3 },
                resources: { requests: { cpu: "25m", memory: "48Mi" }, limits: { memory: "256Mi" } },
              },
            ],
          },
        },
      },
    },
  ];
}

export interface IngressRoute {
  service: string;
  host: string;
  path: string;
  /** The service port the route reaches (by name). */
  port: string;
  /** Where a browser on this machine reaches it (kind: 127.0.0.1 port mapping; context: the cluster's own ingress). */
  url: string;
}

/** Every route of the spec with its URL, in spec order. */
export function ingressRoutes(project: ResolvedProject, site: IngressSite): IngressRoute[] {
  const port = site.hostPort === undefined ? "" : `:${site.hostPort}`;
  return project.services.flatMap((s) => s.ingress.map((r) => ({ service: s.name, host: r.host, path: r.path, port: r.port, url: `http://${r.host}${port}${r.path}` })));
}
