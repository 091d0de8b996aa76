/**
 * A KubeConfig whose API calls share one connection pool. client-node 2.0 gives every request of
 * its generated clients, every watch and every log stream a new undici Agent: a new TLS handshake
 * (and secure context, CA parsing included) per call. A no-op `dev up` makes a few hundred calls;
 * the handshakes were ~0.9 s of its CPU. The pool is kept per cluster and user, as client-node keeps
 * its own https.Agent for WebSockets (port-forward, exec).
 */
import { KubeConfig, type RequestContext } from "./k8s.ts";

type Dispatcher = NonNullable<ReturnType<RequestContext["getDispatcher"]>>;

export class PooledKubeConfig extends KubeConfig {
  readonly #pools = new Map<string, Dispatcher>();

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const fresh = context.getDispatcher();
    if (fresh === undefined) return; // plain HTTP without TLS options: fetch's global pool already
    const key = JSON.stringify([this.getCurrentCluster()?.name ?? "", this.getCurrentUser()?.name ?? ""]);
    const pool = this.#pools.get(key);
    // The fresh Agent has made no connection yet: dropping it costs nothing.
    if (pool) context.setDispatcher(pool);
    else this.#pools.set(key, fresh);
  }
}
