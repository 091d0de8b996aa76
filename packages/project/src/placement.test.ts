import { describe, expect, it } from "vitest";
import { validateFiles } from "./validate.ts";

const project = (service: string, devYaml = "name: shop\n") => validateFiles({ "dev.yaml": devYaml, "services/web/service.yaml": service });
const web = (r: ReturnType<typeof project>) => r.value!.services[0]!;

describe("spread and disruption budget", () => {
  it("replicas > 1 get spread over nodes (never leaving a pod pending) and maxUnavailable 1 by default", () => {
    const r = project("image: example.com/web:1\nreplicas: 2\n");
    expect(r.errors).toEqual([]);
    expect(web(r).spread).toEqual({ topologyKey: "kubernetes.io/hostname", maxSkew: 1, whenUnsatisfiable: "ScheduleAnyway" });
    expect(web(r).disruptionBudget).toEqual({ maxUnavailable: 1 });
  });

  it("one replica gets neither", () => {
    const r = project("image: example.com/web:1\n");
    expect(r.errors).toEqual([]);
    expect(web(r).spread).toBeUndefined();
    expect(web(r).disruptionBudget).toBeUndefined();
  });

  it("takes the spec's overrides", () => {
    const r = project(
      "image: example.com/web:1\nreplicas: 4\nspread:\n  topologyKey: topology.kubernetes.io/zone\n  maxSkew: 2\n  whenUnsatisfiable: DoNotSchedule\ndisruptionBudget:\n  minAvailable: 50%\n",
    );
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(web(r).spread).toEqual({ topologyKey: "topology.kubernetes.io/zone", maxSkew: 2, whenUnsatisfiable: "DoNotSchedule" });
    expect(web(r).disruptionBudget).toEqual({ minAvailable: "50%" });
  });

  it("follows an environment's replicas", () => {
    const dev = "name: shop\nenvironments:\n  staging:\n    services:\n      web: { replicas: 3 }\n";
    const r = validateFiles({ "dev.yaml": dev, "services/web/service.yaml": "image: example.com/web:1\n" }, { environment: "staging" });
    expect(r.errors).toEqual([]);
    expect(web(r).replicas).toBe(3);
    expect(web(r).disruptionBudget).toEqual({ maxUnavailable: 1 });
  });

  it("refuses a percentage over 100% where it is", () => {
    const r = project("image: example.com/web:1\nreplicas: 2\ndisruptionBudget:\n  maxUnavailable: 150%\n");
    expect(r.errors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.path}: ${e.message}`)).toEqual([
      'services/web/service.yaml:4:19: services.web.disruptionBudget.maxUnavailable: maxUnavailable "150%" is more than 100%; give a percentage from 0% to 100% or a number of pods',
    ]);
  });
});
