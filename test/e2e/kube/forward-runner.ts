/**
 * A real process that holds one port-forward, as `dev up` would: it prints JSON lines on stdout
 * ({"listening":port}, {"state":...,"message":...}, {"closed":true}) and closes the forward on SIGTERM.
 *
 * The forward test runs it as a child process rather than inside the vitest worker: vitest starts
 * its workers with `--conditions import`, which makes `require("ws")` inside client-node load ws's
 * ESM wrapper, so client-node's PortForward fails there with "WebSocket is not a constructor".
 *
 * usage: node --conditions=source forward-runner.ts KUBECONFIG CONTEXT NAMESPACE SERVICE PORT
 */
import { createKube, forwardService } from "@devup/kube";

const [kubeconfigPath, context, namespace, service, port] = process.argv.slice(2);
if (!kubeconfigPath || !context || !namespace || !service || !port) {
  console.error("usage: forward-runner.ts KUBECONFIG CONTEXT NAMESPACE SERVICE PORT");
  process.exit(2);
}
const out = (record: object): void => void process.stdout.write(`${JSON.stringify(record)}\n`);

const kube = createKube({ kubeconfigPath, context });
const forward = await forwardService(kube, {
  namespace,
  service,
  port,
  localPort: 0,
  onState: (state, message) => out({ state, ...(message === undefined ? {} : { message }) }),
});
out({ listening: forward.localPort });
process.once("SIGTERM", () => {
  void forward.close().then(() => {
    out({ closed: true });
    process.exit(0);
  });
});
