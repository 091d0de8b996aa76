// `dev ci` runs this as a Job with the service's image: GET each URL (Service DNS names inside the
// cluster), print what came back, and exit 1 if any answer is not 2xx.
let failed = false;
for (const url of process.argv.slice(2)) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    const body = (await res.text()).slice(0, 120).replace(/\s+/g, " ");
    console.log(`GET ${url} → ${res.status} ${body}`);
    if (!res.ok) failed = true;
  } catch (error) {
    console.log(`GET ${url} → ${error instanceof Error ? error.message : String(error)}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
