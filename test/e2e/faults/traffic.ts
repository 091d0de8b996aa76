/** Bounded traffic through a forward (127.0.0.1 only): how many requests failed, and the longest gap without a success. */
export interface Traffic {
  ok: number;
  failed: number;
  /** The longest time between two successful requests, in ms. */
  longestGapMs: number;
}

/** Sends up to `maxRequests` GETs to `url` for at most `maxMs` (one at a time, `everyMs` apart). */
export async function traffic(url: string, options: { maxMs: number; maxRequests: number; everyMs?: number; until?: () => boolean }): Promise<Traffic> {
  if (!url.startsWith("http://127.0.0.1:")) throw new Error(`traffic goes to 127.0.0.1 only, not ${url}`);
  const start = Date.now();
  const result: Traffic = { ok: 0, failed: 0, longestGapMs: 0 };
  let lastOk = start;
  while (result.ok + result.failed < options.maxRequests && Date.now() - start < options.maxMs && !options.until?.()) {
    const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) {
      result.longestGapMs = Math.max(result.longestGapMs, Date.now() - lastOk);
      lastOk = Date.now();
      result.ok++;
    } else result.failed++;
    await new Promise((r) => setTimeout(r, options.everyMs ?? 50));
  }
  result.longestGapMs = Math.max(result.longestGapMs, Date.now() - lastOk);
  return result;
}

export const describeTraffic = (t: Traffic) => `${t.failed} of ${t.ok + t.failed} requests failed, longest gap ${t.longestGapMs} ms`;
