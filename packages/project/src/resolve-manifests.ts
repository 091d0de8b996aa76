/**
 * `manifests:` of one service: every path through confine.ts, the files named checked to exist, and
 * the generated-object fields that have no meaning beside the user's own objects refused.
 */
import { posix } from "node:path";
import { confinePath } from "./confine.ts";
import type { PathSegment } from "./diagnostics.ts";
import type { ProjectFs } from "./fs.ts";
import type { ManifestForward, ManifestSource, ResolvedManifests } from "./model.ts";
import type { ServiceFields } from "./schema.ts";

type Report = (path: PathSegment[], message: string) => void;

const GLOB_CHARS = /[*?[\]{}]/;

/** Fields that shape the generated Deployment/Service: the user's objects say these themselves. */
// `secrets:` stays: its Secret is still generated (values never written into your YAML; `dev eject` relies on it).
const GENERATED_ONLY = ["image", "command", "args", "workingDir", "config", "resources", "health", "metrics", "test"] as const;
const GENERATED_LISTS = ["ports", "ingress", "volumes"] as const;

/**
 * The resolved `manifests:` of a service (undefined, with errors reported, when a path is refused),
 * and whether the service has one at all. `where` is "file:line:column" of the `manifests:` key.
 */
export function resolveManifests(name: string, dir: string, f: ServiceFields, fs: ProjectFs, report: Report, where: string, prefix: PathSegment[] = ["manifests"]): ResolvedManifests | undefined {
  const m = f.manifests;
  // Paths below `manifests:` start at `prefix` (dev.yaml's top-level manifests.<name> has none).
  const error: Report = (path, message) => report(path[0] === "manifests" ? [...prefix, ...path.slice(1)] : path, message);
  if (!m) {
    if (f.forward.length) error(["forward"], "forward: is for services with manifests: (a generated service forwards with ports[].forward)");
    return undefined;
  }
  for (const key of GENERATED_ONLY) {
    if (f[key] !== undefined) error([key], `${key} has no effect with manifests: (devup generates no Deployment for this service; your objects define it): remove it${key === "image" ? ", or use build: to build the image your objects refer to" : ""}`);
  }
  for (const key of GENERATED_LISTS) {
    if (f[key].length) error([key], `${key} has no effect with manifests: (your objects define the Service and pods)${key === "ports" ? "; use forward: [{ port, local }] to forward a port of your Service" : ""}`);
  }
  if (Object.keys(f.env).length) error(["env"], "env has no effect with manifests: (your objects set the containers' environment)");
  f.sync.forEach((rule, i) => {
    // The restart loop wraps a generated container's command; your objects' commands are not rewritten.
    if (rule.then === "restart") error(["sync", i, "then"], 'then: restart is not available with manifests: yet (devup does not rewrite your containers\' commands); use then: none, or run: [a command that reloads]');
  });

  const given = (["yaml", "kustomize", "helm"] as const).filter((k) => m[k] !== undefined);
  if (given.length !== 1) {
    error(["manifests"], given.length === 0 ? "give one of yaml, kustomize or helm" : `give only one of yaml, kustomize or helm (found ${given.join(" and ")})`);
    return undefined;
  }
  const inProject = (path: PathSegment[], rel: string, what: string): string | undefined => {
    const c = confinePath(fs, dir, rel, what);
    if (c.ok) return c.path;
    error(path, c.message);
    return undefined;
  };
  const isFile = (p: string) => typeof fs.readFile(p) === "string";

  let source: ManifestSource | undefined;
  if (m.yaml) {
    const files: string[] = [];
    m.yaml.forEach((pattern, i) => {
      const at: PathSegment[] = ["manifests", "yaml", i];
      const parts = pattern.replaceAll("\\", "/").split("/");
      const firstGlob = parts.findIndex((p) => GLOB_CHARS.test(p));
      if (firstGlob >= 0 && parts.slice(firstGlob).includes("..")) {
        error(at, `YAML glob ${JSON.stringify(pattern)} has ".." after a wildcard; put the folder before the wildcard (e.g. "../k8s/*.yaml")`);
        return;
      }
      // The folder before any wildcard is what leaves the project or not.
      const base = firstGlob < 0 ? pattern : parts.slice(0, firstGlob).join("/") || ".";
      const confined = inProject(at, base, firstGlob < 0 ? "YAML file" : "YAML folder");
      if (confined === undefined) return;
      if (firstGlob < 0) {
        if (!isFile(confined)) error(at, `YAML file ${JSON.stringify(confined)} not found`);
        else files.push(confined);
      } else if (!fs.exists(confined)) {
        error(at, `folder ${JSON.stringify(confined)} of glob ${JSON.stringify(pattern)} does not exist`);
      } else {
        files.push(posix.join(confined, ...parts.slice(firstGlob)));
      }
    });
    if (files.length === m.yaml.length) source = { kind: "yaml", files };
  } else if (m.kustomize !== undefined) {
    const d = inProject(["manifests", "kustomize"], m.kustomize, "kustomize folder");
    if (d !== undefined) {
      if (!["kustomization.yaml", "kustomization.yml", "Kustomization"].some((k) => isFile(posix.join(d, k)))) {
        error(["manifests", "kustomize"], `${JSON.stringify(d)} holds no kustomization.yaml; point kustomize at the folder of your kustomization (base or overlay)`);
      } else source = { kind: "kustomize", dir: d };
    }
  } else if (m.helm) {
    const h = m.helm;
    const chart = inProject(["manifests", "helm", "chart"], h.chart, "chart folder");
    let ok = chart !== undefined;
    if (chart !== undefined && !isFile(posix.join(chart, "Chart.yaml"))) {
      error(["manifests", "helm", "chart"], `${JSON.stringify(chart)} holds no Chart.yaml; point chart at a Helm chart's folder`);
      ok = false;
    }
    const values: string[] = [];
    h.values.forEach((v, i) => {
      const p = inProject(["manifests", "helm", "values", i], v, "values file");
      if (p !== undefined && !isFile(p)) error(["manifests", "helm", "values", i], `values file ${JSON.stringify(p)} not found`);
      if (p === undefined || !isFile(p)) ok = false;
      else values.push(p);
    });
    if (ok && chart !== undefined) source = { kind: "helm", chart, version: h.version, release: h.release ?? name, values, set: h.set };
  }
  if (!source) return undefined;
  return { source, imageFields: m.imageFields, imageName: f.build?.image ?? name, at: where };
}

export function resolveForwards(f: ServiceFields, name: string): ManifestForward[] {
  return f.forward.map((fw) => ({ target: fw.service ?? name, port: fw.port, local: fw.local }));
}
