/**
 * The ingress step of `dev up`: where the cluster's provider installs devup's controller (kind) and
 * the spec has routes, install it (Traefik), deliver its image like a service image when it was built
 * locally, and wait until it answers its readiness probe. Elsewhere (a context cluster) the cluster
 * brings its own controller: nothing is installed, the routes are only the generated Ingress objects.
 */
import { toErrorReport } from "@devup/errors";
import { INGRESS_CONTROLLER_NAME, INGRESS_NAMESPACE, ingressControllerObjects, ingressRoutes, wantsIngressController } from "@devup/manifests";
import type { ResolvedProject } from "@devup/project";
import type { Ports } from "./ports.ts";
import type { Store } from "./store.ts";

export interface IngressOutcome {
  /** ready: 127.0.0.1:<httpPort> reaches the controller; unreachable: the cluster lacks that port mapping; failed: the controller did not come up. */
  status: "ready" | "unreachable" | "failed";
  message: string;
}

/** Installs and waits for the controller when this project needs one; undefined when it does not. Never throws. */
export async function ensureIngress(project: ResolvedProject, ports: Ports, store: Store, now: () => number): Promise<IngressOutcome | undefined> {
  if (!ports.ingress?.site.installsController) return undefined;
  const { site } = ports.ingress;
  const hasRoutes = project.services.some((s) => s.ingress.length > 0);
  if (hasRoutes && !wantsIngressController(project, site)) {
    const message = `ingress: devup installs Traefik (cluster.ingress.className: traefik); the routes use class ${project.cluster.ingress.className}, so they need a controller you install`;
    store.dispatch({ type: "log", level: "warn", message });
    return undefined;
  }
  if (!hasRoutes) return undefined;

  const started = now();
  const { httpPort } = project.cluster.ingress;
  const routes = ingressRoutes(project, site).map((r) => ({ url: r.url, service: r.service }));
  const report = (status: "installing" | "ready" | "unreachable" | "failed", message: string, error?: unknown) =>
    store.dispatch({ type: "ingress", status, message, routes, durationMs: now() - started, ...(error === undefined ? {} : { error: toErrorReport(error) }) });

  let mapped: number | undefined;
  try {
    mapped = await ports.ingress.hostPort();
  } catch (error) {
    const message = `ingress: could not tell whether the kind cluster ${project.cluster.name} maps a host port to its ingress: ${toErrorReport(error).message}`;
    report("failed", message, error);
    return { status: "failed", message };
  }
  if (mapped === undefined) {
    // Without the mapping the node also lacks the ingress-ready label: a controller could not be placed.
    const message = `ingress: the kind cluster ${project.cluster.name} was created without a host port for ingress (127.0.0.1:${httpPort} → its port 80), so the routes cannot be reached from this machine and no ingress controller was installed; \`dev up --recreate-cluster\` recreates the cluster with it (deleting everything in it; this project is deployed again)`;
    report("unreachable", message);
    return { status: "unreachable", message };
  }

  report("installing", `ingress: applying the controller (Traefik) in namespace ${INGRESS_NAMESPACE}`);
  try {
    const controller = ports.ingress.controllerImage();
    let image = controller.image;
    if (controller.local) {
      const [delivered] = await ports.cluster.deliver([image]);
      if (delivered?.action === "failed") throw delivered.error;
      if (delivered) image = delivered.ref;
    }
    await ports.kube.apply(ingressControllerObjects({ image, className: project.cluster.ingress.className }));
    await ports.kube.waitReady(INGRESS_NAMESPACE, INGRESS_CONTROLLER_NAME, () => {});
  } catch (error) {
    const message = `the ingress controller did not become ready: ${toErrorReport(error).message}`;
    report("failed", message, error);
    return { status: "failed", message };
  }
  if (mapped !== httpPort) {
    const message = `ingress: ready, but on http://127.0.0.1:${mapped}: the kind cluster ${project.cluster.name} was created with that port, not cluster.ingress.httpPort ${httpPort}; \`dev up --recreate-cluster\` moves it`;
    report("unreachable", message);
    return { status: "unreachable", message };
  }
  const message = `ingress: ready on 127.0.0.1:${httpPort} (Traefik)`;
  report("ready", message);
  return { status: "ready", message };
}
