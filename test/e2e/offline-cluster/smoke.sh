#!/usr/bin/env bash
# End-to-end smoke test of the offline kind cluster harness (scripts/cluster/).
#
#  1. scripts/cluster/ensure (installs/starts/builds whatever is missing)
#  2. kind create cluster with our node image and scripts/cluster/kind-config.yaml
#  3. node Ready, coredns Ready
#  4. image built from a local Dockerfile (FROM node:24-slim, node built-ins only), loaded with
#     `kind load docker-image` (a second load is skipped as already present), deployed: Ready
#  5. its Service resolves by DNS name and answers from another pod
#  6. `kubectl port-forward` to it answers on 127.0.0.1
#  7. an image pushed to the local registry (docker push 127.0.0.1:PORT/...) is pulled by the cluster
#  8. a PersistentVolumeClaim of the default StorageClass (local-path) is bound and writable
#  9. the cluster is deleted (also on failure, via trap)
#
# Env: SMOKE_CLUSTER (default devup-smoke), SMOKE_KEEP=1 to keep the cluster for debugging.
# Exit status 0 only if every check passed. Prints "N passed, 0 failed" at the end.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
CLUSTER="${SMOKE_CLUSTER:-devup-smoke}"
WORK="$(mktemp -d)"
PF_PID=""
PASSED=0
T0=$SECONDS

say() { printf '[smoke %4ss] %s\n' "$((SECONDS - T0))" "$*" >&2; }
pass() { PASSED=$((PASSED + 1)); say "PASS: $*"; }
fail() {
  say "FAIL: $*"
  diagnostics || true
  printf '%s passed, 1 failed\n' "$PASSED"
  exit 1
}

diagnostics() {
  [[ -n "${KUBECTL:-}" ]] || return 0
  say "--- diagnostics"
  "${K[@]}" get nodes -o wide >&2 2>&1 || true
  "${K[@]}" get pods -A -o wide >&2 2>&1 || true
  "${K[@]}" get events -A --sort-by=.lastTimestamp 2>/dev/null | tail -n 25 >&2 || true
}

cleanup() {
  local rc=$?
  [[ -n "$PF_PID" ]] && kill "$PF_PID" 2>/dev/null || true
  if [[ -n "${KIND:-}" && "${SMOKE_KEEP:-0}" != 1 ]]; then
    "$KIND" delete cluster --name "$CLUSTER" >/dev/null 2>&1 || true
    say "deleted cluster $CLUSTER"
  fi
  docker rmi -f "devup-smoke/hello:1" "devup-smoke/hello:2" "${REGISTRY:-x}/devup-smoke/hello:2" >/dev/null 2>&1 || true
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------
say "ensure: scripts/cluster/ensure"
"$ROOT/scripts/cluster/ensure" >"$WORK/ensure.out" || fail "scripts/cluster/ensure failed"
while IFS='=' read -r key value; do
  [[ "$key" =~ ^[A-Z_][A-Z0-9_]*$ ]] && printf -v "$key" '%s' "$value"
done <"$WORK/ensure.out"
for v in KIND KUBECTL NODE_IMAGE KIND_CONFIG REGISTRY REGISTRY_IN_CLUSTER NODE_BASE_IMAGE; do
  [[ -n "${!v:-}" ]] || fail "ensure did not print $v"
done
pass "ensure printed KIND=$KIND NODE_IMAGE=$NODE_IMAGE REGISTRY=$REGISTRY"
K=("$KUBECTL" --context "kind-$CLUSTER")

# ---------------------------------------------------------------------------
clusters="$("$KIND" get clusters 2>/dev/null || true)"
if grep -qx "$CLUSTER" <<<"$clusters"; then
  say "deleting leftover cluster $CLUSTER"
  "$KIND" delete cluster --name "$CLUSTER" >/dev/null
fi
say "kind create cluster --name $CLUSTER --image $NODE_IMAGE"
t=$SECONDS
"$KIND" create cluster --name "$CLUSTER" --image "$NODE_IMAGE" --config "$KIND_CONFIG" \
  --kubeconfig "$WORK/kubeconfig" --wait 120s >"$WORK/create.log" 2>&1 \
  || { cat "$WORK/create.log" >&2; fail "kind create cluster"; }
export KUBECONFIG="$WORK/kubeconfig"
pass "cluster created in $((SECONDS - t))s"

"${K[@]}" wait --for=condition=Ready node --all --timeout=120s >/dev/null || fail "node not Ready"
pass "node Ready"
"${K[@]}" -n kube-system rollout status deployment/coredns --timeout=180s >/dev/null || fail "coredns not Ready"
pass "coredns Ready"

"$ROOT/scripts/cluster/registry" connect "$CLUSTER" >/dev/null || fail "registry connect"
pass "registry $REGISTRY wired into the cluster as $REGISTRY_IN_CLUSTER"

# ---------------------------------------------------------------------------
mkdir -p "$WORK/app"
cat >"$WORK/app/server.js" <<'JS'
const http = require("node:http");
const os = require("node:os");
const greeting = process.env.GREETING || "hello";
http
  .createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(`${greeting} from ${os.hostname()} path=${req.url}\n`);
  })
  .listen(8080, () => console.log("listening on 8080"));
JS
cat >"$WORK/app/Dockerfile" <<DOCKERFILE
FROM $NODE_BASE_IMAGE
WORKDIR /app
COPY server.js .
ARG GREETING=hello
ENV GREETING=\$GREETING
USER node
EXPOSE 8080
CMD ["node", "server.js"]
DOCKERFILE
say "docker build devup-smoke/hello:1"
DOCKER_BUILDKIT=0 docker build -q -t devup-smoke/hello:1 "$WORK/app" >/dev/null 2>"$WORK/build.log" \
  || { cat "$WORK/build.log" >&2; fail "docker build"; }
"$KIND" load docker-image devup-smoke/hello:1 --name "$CLUSTER" >/dev/null 2>&1 || fail "kind load docker-image"
pass "image built from a local Dockerfile and loaded with kind load"
# crictl in the node lets kind skip images the node already has
out="$("$KIND" load docker-image devup-smoke/hello:1 --name "$CLUSTER" 2>&1 || true)"
[[ "$out" == *"already present"* ]] \
  || fail "second kind load did not detect the image already present (crictl inspecti in the node)"
pass "second kind load skipped: image already present on the node"

"${K[@]}" apply -f - >/dev/null <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: { name: hello, labels: { app: hello } }
spec:
  replicas: 1
  selector: { matchLabels: { app: hello } }
  template:
    metadata: { labels: { app: hello } }
    spec:
      containers:
        - name: hello
          image: devup-smoke/hello:1
          imagePullPolicy: Never
          ports: [{ containerPort: 8080 }]
          readinessProbe: { httpGet: { path: /healthz, port: 8080 }, periodSeconds: 2 }
---
apiVersion: v1
kind: Service
metadata: { name: hello }
spec:
  selector: { app: hello }
  ports: [{ port: 80, targetPort: 8080 }]
YAML
"${K[@]}" rollout status deployment/hello --timeout=120s >/dev/null || fail "deployment hello not Ready"
pass "deployment hello Ready"

# ---------------------------------------------------------------------------
"${K[@]}" apply -f - >/dev/null <<'YAML'
apiVersion: v1
kind: Pod
metadata: { name: client }
spec:
  restartPolicy: Never
  containers:
    - name: client
      image: devup-smoke/hello:1
      imagePullPolicy: Never
      command:
        - node
        - -e
        - |
          const dns = require("node:dns/promises");
          // Tried for up to 30 s: right after cluster creation CoreDNS may not answer yet.
          (async () => {
            for (let i = 1; ; i++) {
              try {
                const { address } = await dns.lookup("hello.default.svc.cluster.local");
                const body = await (await fetch("http://hello/dns-check")).text();
                console.log(`resolved=${address} body=${body.trim()} attempts=${i}`);
                return;
              } catch (e) {
                if (i >= 30) throw e;
                console.error(`attempt ${i}: ${e}`);
                await new Promise((r) => setTimeout(r, 1000));
              }
            }
          })().catch((e) => { console.error(e); process.exit(1); });
YAML
ok=""
for _ in $(seq 1 90); do
  phase="$("${K[@]}" get pod client -o jsonpath='{.status.phase}' 2>/dev/null || true)"
  [[ "$phase" == Succeeded || "$phase" == Failed ]] && { ok="$phase"; break; }
  sleep 2
done
out="$("${K[@]}" logs client 2>&1 || true)"
[[ "$ok" == Succeeded && "$out" == *"body=hello from hello-"*"path=/dns-check"* ]] \
  || fail "service DNS from another pod (phase=$ok): $out"
pass "service resolved by DNS from another pod: $out"

# ---------------------------------------------------------------------------
"${K[@]}" port-forward service/hello :80 >"$WORK/pf.log" 2>&1 &
PF_PID=$!
port=""
for _ in $(seq 1 50); do
  port="$(sed -n 's/^Forwarding from 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$WORK/pf.log")"; port="${port%%$'\n'*}"
  [[ -n "$port" ]] && break
  sleep 0.2
done
[[ -n "$port" ]] || { cat "$WORK/pf.log" >&2; fail "kubectl port-forward did not start"; }
resp="$(curl -fsS --max-time 10 "http://127.0.0.1:$port/pf-check" || true)"
[[ "$resp" == "hello from hello-"*"path=/pf-check"* ]] || fail "port-forward answer: '$resp'"
kill "$PF_PID" 2>/dev/null || true; PF_PID=""
pass "kubectl port-forward 127.0.0.1:$port -> service/hello: $resp"

# ---------------------------------------------------------------------------
say "docker build + push $REGISTRY/devup-smoke/hello:2"
DOCKER_BUILDKIT=0 docker build -q --build-arg GREETING=registry -t "$REGISTRY/devup-smoke/hello:2" "$WORK/app" >/dev/null 2>"$WORK/build2.log" \
  || { cat "$WORK/build2.log" >&2; fail "docker build (registry variant)"; }
docker push "$REGISTRY/devup-smoke/hello:2" >"$WORK/push.log" 2>&1 || { cat "$WORK/push.log" >&2; fail "docker push"; }
"${K[@]}" create deployment hello-registry --image="$REGISTRY_IN_CLUSTER/devup-smoke/hello:2" >/dev/null
"${K[@]}" rollout status deployment/hello-registry --timeout=120s >/dev/null || fail "deployment from the local registry not Ready"
pod="$("${K[@]}" get pod -l app=hello-registry -o jsonpath='{.items[0].metadata.name}')"
events="$("${K[@]}" get events --field-selector "involvedObject.name=$pod,reason=Pulled" -o jsonpath='{.items[*].message}')"
[[ "$events" == *"Successfully pulled"* ]] \
  || fail "no 'Successfully pulled' event for $pod"
resp="$("${K[@]}" exec "$pod" -- node -e 'fetch("http://127.0.0.1:8080/").then(r=>r.text()).then(t=>process.stdout.write(t))')"
[[ "$resp" == "registry from "* ]] || fail "registry image answered '$resp'"
pass "image pushed to $REGISTRY pulled by the cluster as $REGISTRY_IN_CLUSTER/devup-smoke/hello:2"

# ---------------------------------------------------------------------------
"${K[@]}" apply -f - >/dev/null <<'YAML'
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: data }
spec:
  accessModes: [ReadWriteOnce]
  resources: { requests: { storage: 64Mi } }
---
apiVersion: v1
kind: Pod
metadata: { name: writer }
spec:
  restartPolicy: Never
  containers:
    - name: writer
      image: devup-smoke/hello:1
      imagePullPolicy: Never
      command: [node, -e, 'require("node:fs").writeFileSync("/data/ok", "persisted"); console.log(require("node:fs").readFileSync("/data/ok", "utf8"))']
      volumeMounts: [{ name: data, mountPath: /data }]
  securityContext: { fsGroup: 1000 }
  volumes: [{ name: data, persistentVolumeClaim: { claimName: data } }]
YAML
"${K[@]}" wait --for=jsonpath='{.status.phase}'=Succeeded pod/writer --timeout=120s >/dev/null \
  || fail "pod writing to a PVC of the default StorageClass did not succeed"
[[ "$("${K[@]}" get pvc data -o jsonpath='{.status.phase}')" == Bound ]] || fail "PVC not Bound"
pass "PVC of the default StorageClass ($("${K[@]}" get pvc data -o jsonpath='{.spec.storageClassName}')) bound and written"

say "all checks passed in $((SECONDS - T0))s"
printf '%s passed, 0 failed\n' "$PASSED"
