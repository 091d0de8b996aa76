/**
 * Bounded traffic for `dev drill`: sequential GETs to 127.0.0.1 only (a forward, or the ingress
 * controller's host port with a Host header), at most `maxRequests` and `maxMs`, counting failures
 * and the longest time without a successful answer.
 */
import { request } from "node:http";

export interface TrafficTarget {
  /** "forward" or "ingress". */
  via: string;
  port: number;
  path: string;
  /** The Host header (an ingress route's host); default 127.0.0.1. */
  host?: string | undefined;
}

export interface TrafficResult {
  via: string;
  url: string;
  requests: number;
  failed: number;
  /** The longest time between two successful answers (or from the start to the first one), in ms. */
  longestGapMs: number;
  /** Distinct failure reasons, at most 5. */
  errors: string[];
}

export interface TrafficRun {
  /** Stops the loop (after the request in flight) and resolves with what it measured. */
  stop(): Promise<TrafficResult>;
}

/** One GET: true for a 2xx/3xx answer, else the reason. */
function get(target: TrafficTarget, timeoutMs: number): Promise<true | string> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port: target.port, path: target.path, method: "GET", headers: { host: target.host ?? "127.0.0.1" }, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve((res.statusCode ?? 0) < 400 ? true : `HTTP ${res.statusCode}`));
      res.on("error", (e) => resolve(e.message));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", (e) => resolve(e.message));
    req.end();
  });
}

export function startTraffic(target: TrafficTarget, limits: { maxRequests: number; maxMs: number; everyMs?: number; timeoutMs?: number }): TrafficRun {
  const url = `http://${target.host ?? "127.0.0.1"}:${target.port}${target.path}`;
  const result: TrafficResult = { via: target.via, url, requests: 0, failed: 0, longestGapMs: 0, errors: [] };
  const started = Date.now();
  let lastOk = started;
  let stopped = false;
  const loop = (async () => {
    while (!stopped && result.requests < limits.maxRequests && Date.now() - started < limits.maxMs) {
      const answer = await get(target, limits.timeoutMs ?? 2000);
      result.requests++;
      if (answer === true) {
        result.longestGapMs = Math.max(result.longestGapMs, Date.now() - lastOk);
        lastOk = Date.now();
      } else {
        result.failed++;
        if (result.errors.length < 5 && !result.errors.includes(answer)) result.errors.push(answer);
      }
      await new Promise((r) => setTimeout(r, limits.everyMs ?? 20));
    }
    result.longestGapMs = Math.max(result.longestGapMs, Date.now() - lastOk);
    return result;
  })();
  return {
    stop() {
      stopped = true;
      return loop;
    },
  };
}
