/**
 * The CustomResourceDefinitions Traefik's kubernetescrd provider watches, written for devup (not
 * Traefik's own CRD file): group traefik.io, version v1alpha1, each with an open schema
 * (x-kubernetes-preserve-unknown-fields). The provider starts an informer for every one of these kinds
 * and waits for all their caches to sync before it serves any route (pkg/provider/kubernetes/crd/
 * client.go WatchAll), so a single missing CRD would stall it: all ten are installed, though devup
 * itself only writes IngressRoutes and TraefikServices (canary releases). Pure.
 */
import type { KubeObject } from "./types.ts";

export const TRAEFIK_GROUP = "traefik.io";
export const TRAEFIK_API_VERSION = `${TRAEFIK_GROUP}/v1alpha1`;

/** Kind → plural resource name, as Traefik's generated clientset lists them. */
export const TRAEFIK_KINDS: Readonly<Record<string, string>> = {
  IngressRoute: "ingressroutes",
  IngressRouteTCP: "ingressroutetcps",
  IngressRouteUDP: "ingressrouteudps",
  Middleware: "middlewares",
  MiddlewareTCP: "middlewaretcps",
  ServersTransport: "serverstransports",
  ServersTransportTCP: "serverstransporttcps",
  TLSOption: "tlsoptions",
  TLSStore: "tlsstores",
  TraefikService: "traefikservices",
};

const open = { type: "object", "x-kubernetes-preserve-unknown-fields": true };

/**
 * Open, but with `spec` declared: server-side apply builds its typed patch from the schema and refuses
 * a field the root does not declare, even with preserve-unknown-fields there ("field not declared in schema").
 */
const OPEN_SCHEMA = { ...open, properties: { spec: open } };

/** One namespaced CRD per kind, served and stored as v1alpha1; Traefik validates the contents itself. */
export function traefikCrds(labels: Readonly<Record<string, string>>): KubeObject[] {
  return Object.entries(TRAEFIK_KINDS).map(([kind, plural]) => ({
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.${TRAEFIK_GROUP}`, labels: { ...labels } },
    spec: {
      group: TRAEFIK_GROUP,
      scope: "Namespaced",
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
      versions: [{ name: "v1alpha1", served: true, storage: true, schema: { openAPIV3Schema: OPEN_SCHEMA } }],
    },
  }));
}
