/** Checks across services: dependencies, cycles, local ports, ingress routes. */
import type { Diagnostic } from "./diagnostics.ts";
import type { ResolvedService } from "./model.ts";
import { diagnosticAt } from "./origin.ts";
import type { ServiceEntry } from "./resolve-service.ts";
import { didYouMean } from "./suggest.ts";

/** `broken`: services whose own file has errors; references to them are not reported again. */
export function checkProject(services: readonly ResolvedService[], entries: ReadonlyMap<string, ServiceEntry>, diags: Diagnostic[], broken: ReadonlySet<string> = new Set()): void {
  const origin = (name: string) => entries.get(name)!.origin;

  // dependsOn names known services.
  const known = new Set(services.map((s) => s.name));
  for (const s of services) {
    s.dependsOn.forEach((dep, i) => {
      if (dep === s.name) diags.push(diagnosticAt(origin(s.name), ["dependsOn", i], "a service cannot depend on itself"));
      else if (!known.has(dep) && !broken.has(dep)) {
        const guess = didYouMean(dep, known);
        diags.push(diagnosticAt(origin(s.name), ["dependsOn", i], `depends on ${JSON.stringify(dep)}, but no service has that name${guess ? `; did you mean ${JSON.stringify(guess)}?` : ""}`));
      }
    });
  }

  // Dependency cycles, each reported once, at the dependsOn entry that closes it.
  const graph = new Map(services.map((s) => [s.name, s.dependsOn.filter((d) => known.has(d) && d !== s.name)]));
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    state.set(name, "visiting");
    stack.push(name);
    for (const dep of graph.get(name) ?? []) {
      if (state.get(dep) === "visiting") {
        const cycle = [...stack.slice(stack.indexOf(dep)), dep];
        const key = [...cycle.slice(0, -1)].sort().join(",");
        if (!seen.has(key)) {
          seen.add(key);
          const i = services.find((s) => s.name === name)!.dependsOn.indexOf(dep);
          diags.push(diagnosticAt(origin(name), ["dependsOn", i], `dependency cycle: ${cycle.join(" → ")}; remove one of these dependsOn entries`));
        }
      } else if (!state.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(name, "done");
  };
  for (const s of services) if (!state.has(s.name)) visit(s.name);

  // Local forward ports are unique across the project.
  const forwards = new Map<number, string>();
  for (const s of services) {
    s.ports.forEach((p, i) => {
      if (p.forward === undefined) return;
      const other = forwards.get(p.forward);
      if (other) diags.push(diagnosticAt(origin(s.name), ["ports", i, "forward"], `local port ${p.forward} is also forwarded by ${other}; pick another forward port`));
      else forwards.set(p.forward, `services.${s.name}.ports[${i}]`);
    });
    s.forward.forEach((f, i) => {
      const other = forwards.get(f.local);
      if (other) diags.push(diagnosticAt(origin(s.name), ["forward", i, "local"], `local port ${f.local} is also forwarded by ${other}; pick another forward port`));
      else forwards.set(f.local, `services.${s.name}.forward[${i}]`);
    });
  }

  // One service per ingress host + path.
  const routes = new Map<string, string>();
  for (const s of services) {
    s.ingress.forEach((r, i) => {
      const key = `${r.host}${r.path}`;
      const other = routes.get(key);
      if (other) diags.push(diagnosticAt(origin(s.name), ["ingress", i], `route ${r.host}${r.path} is already routed to ${other}; give each route its own host or path`));
      else routes.set(key, `service ${JSON.stringify(s.name)}`);
    });
  }
}
