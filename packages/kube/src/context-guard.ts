/** Safety rule: never deploy to a kubeconfig context devup did not create unless it is allowed by name. */
import { DevupError } from "@devup/errors";

export interface ContextGuard {
  context: string;
  /** devup created this context's cluster (e.g. its own kind cluster). */
  createdByDevup: boolean;
  /** Contexts the user allowed by name (--allow-context, cluster.allowedContexts in dev.yaml). */
  allowed: readonly string[];
}

export function assertContextAllowed({ context, createdByDevup, allowed }: ContextGuard): void {
  if (createdByDevup || allowed.includes(context)) return;
  throw new DevupError("contextNotAllowed", `refusing to deploy to kubeconfig context "${context}": devup did not create it`, {
    hint: `allow it by name: dev up --allow-context ${context}, or list it under cluster.allowedContexts in dev.yaml`,
  });
}
