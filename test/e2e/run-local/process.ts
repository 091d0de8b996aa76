/** The answers both `dev run-local` and `dev up` must give, read through the forward ports. */
export async function sampleAnswers(offset: number): Promise<Record<string, unknown>> {
  const get = async (port: number, path: string) => {
    const res = await fetch(`http://127.0.0.1:${port + offset}${path}`, { signal: AbortSignal.timeout(5000) });
    return { status: res.status, body: await res.text() };
  };
  const info = JSON.parse((await get(8081, "/info")).body) as Record<string, unknown>;
  return {
    users: await get(8081, "/v2/users"),
    accounts: await get(8082, "/accounts"),
    page: await get(8080, "/"),
    // env from config values and from the secrets file (as a fingerprint), uptime left out
    usersInfo: { greeting: info.greeting, tokenFingerprint: info.tokenFingerprint, version: info.version },
  };
}
