/** For tests: a kubeconfig (YAML) that points a client at a fake API server on 127.0.0.1, with no credentials. */
export function fakeKubeconfig(port: number): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    `clusters: [{name: fake, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]`,
    "users: [{name: fake, user: {}}]",
    "contexts: [{name: fake, context: {cluster: fake, user: fake}}]",
    "current-context: fake",
  ].join("\n");
}
