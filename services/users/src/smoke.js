// `dev ci` runs this as a Job with the service's image: GET each URL (Service DNS names inside the
// cluster), print what came back, and exit 1 if any answer is not 2xx. A connection that fails is
// tried again twice, a second apart (a Service just created can take a moment to route); an
// answer, whatever its status, is final.
const attempts = 3;
let failed = false;
for (const url of process.argv.slice(2)) {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      const body = (await res.text()).slice(0, 120).replace(/\s+/g, " ");
      console.log(`GET ${url} → ${res.status} ${body}`);
      if (!res.ok) failed = true;
      break;
    } catch (error) {
      const reason = error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ""}` : String(error);
      console.log(`GET ${url} → ${reason}${attempt < attempts ? "; trying again" : ""}`);
      if (attempt >= attempts) {
        failed = true;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
process.exit(failed ? 1 : 0);
