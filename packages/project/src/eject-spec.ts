/**
 * A service.yaml switched to `manifests:` after `dev eject` (the `yaml` Document API keeps comments
 * and the order of what stays). Pure: text in, text out, with what changed in words.
 */
import { DevupError } from "@devup/errors";
import { isMap, isSeq, parseDocument } from "./yaml.ts";
import type { ResolvedService } from "./model.ts";

/** Keys the ejected YAML now holds (or that have no meaning beside it). */
const MOVED = ["image", "command", "args", "workingDir", "ports", "env", "config", "replicas", "rollout", "resources", "health", "ingress", "labels", "annotations", "metrics", "volumes", "test"];

export interface EjectedSpec {
  text: string;
  /** What the user should know: e.g. a sync that restarted the process now does not. */
  notes: string[];
}

export function ejectServiceSpec(text: string, service: ResolvedService, folder: string): EjectedSpec {
  const doc = parseDocument(text);
  if (doc.errors.length || !isMap(doc.contents)) throw new DevupError("specInvalid", `${service.specFile} is not a YAML mapping`, { hint: "dev validate lists the problems" });
  const notes: string[] = [];
  if (service.test) notes.push(`test.command was removed: dev ci runs tests only for generated services`);
  for (const key of MOVED) doc.delete(key);
  const forwards = service.ports.filter((p) => p.forward !== undefined && p.protocol === "TCP").map((p) => ({ port: p.name, local: p.forward! }));
  doc.set("manifests", doc.createNode({ yaml: [`${folder}/*.yaml`] }));
  if (forwards.length) doc.set("forward", doc.createNode(forwards));
  const sync = doc.get("sync", true);
  if (isSeq(sync)) {
    for (const rule of sync.items) {
      if (!isMap(rule)) continue;
      const then = rule.get("then");
      if (then === undefined || then === "restart") {
        rule.set("then", "none");
        notes.push(`sync from ${String(rule.get("from"))} no longer restarts the process (then: restart works only for generated services): then: none`);
      }
    }
  }
  return { text: doc.toString(), notes };
}
