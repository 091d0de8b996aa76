/**
 * What the deploying commands (`dev up`, `apply`, `ci`, `env clone|promote`) set up before the engine
 * runs: `--timeout` checked, the machine prepared (the offline harness where it is needed), the
 * adapters connected, and a Store for the project. Each command attaches its own output to the Store.
 */
import { clusterProvider } from "@devup/cluster";
import { initialState, Store } from "@devup/engine";
import type { ResolvedProject } from "@devup/project";
import { connect, type Connection } from "./adapters.ts";
import { allowedContexts } from "./cluster-access.ts";
import { secondsOption, type CommandContext } from "./context.ts";
import { prepareMachine } from "./machine.ts";
import { confirmNodeCount } from "./node-count.ts";

export interface Session {
  connection: Connection;
  store: Store;
}

export async function startSession(ctx: CommandContext, project: ResolvedProject, options: { recreateCluster?: boolean } = {}): Promise<Session> {
  const rolloutTimeoutMs = secondsOption(ctx, "timeout", 300) * 1000;
  const tools = clusterProvider(project.cluster.provider).localMachine ? await prepareMachine(ctx) : {};
  // A node count other than the running cluster's means recreating it: asked here, before anything runs.
  const recreateCluster = options.recreateCluster === true || (await confirmNodeCount(ctx, project, tools));
  const connection = connect(project, { tools, allowContexts: allowedContexts(ctx), rolloutTimeoutMs, ...(recreateCluster ? { recreateCluster: true } : {}) });
  const store = new Store(initialState(project.name, project.environment, project.namespace, project.cluster.name, project.services));
  return { connection, store };
}
