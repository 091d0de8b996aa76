#!/usr/bin/env bash
# Unit-level check of scripts/cluster/runc-shim (no Docker needed, only Go and jq):
# builds the shim, points it at a fake runc (/bin/echo) and checks that it strips the
# capabilities missing from its own bounding set from a bundle's config.json (create/run,
# --bundle or cwd) and from an exec --process file, leaves everything else alone, and
# passes the arguments through unchanged.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
PASSED=0 FAILED=0
check() { if eval "$2"; then PASSED=$((PASSED + 1)); echo "ok   $1"; else FAILED=$((FAILED + 1)); echo "FAIL $1"; fi; }

mkdir -p "$WORK/mod" "$WORK/b"
cp "$ROOT/scripts/cluster/runc-shim/main.go" "$WORK/mod/"
printf 'module devup.local/runc-shim\n\ngo 1.22\n' >"$WORK/mod/go.mod"
(cd "$WORK/mod" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -o "$WORK/shim" .)

# A capability this process does not hold (if it holds all, use a fake name: unknown names are dropped).
bnd=$((16#$(awk '/^CapBnd:/ {print $2}' /proc/self/status)))
missing=CAP_DEVUP_UNKNOWN
(( (bnd >> 24) & 1 )) || missing=CAP_SYS_RESOURCE

cat >"$WORK/b/config.json" <<JSON
{"ociVersion":"1.0.2","process":{"args":["sh"],"capabilities":{"bounding":["CAP_CHOWN","$missing","CAP_KILL"],"effective":["$missing"],"permitted":["CAP_KILL","$missing"]}},"root":{"path":"rootfs"},"annotations":{"keep":"me"}}
JSON
cp "$WORK/b/config.json" "$WORK/config.orig"
printf '{"args":["ls"],"capabilities":{"bounding":["%s","CAP_NET_ADMIN"]},"cwd":"/"}\n' "$missing" >"$WORK/proc.json"

# shellcheck disable=SC2034 # used in check (eval)
out="$(DEVUP_REAL_RUNC=/bin/echo "$WORK/shim" --root /run/x --log /tmp/l --log-format json create --bundle "$WORK/b" --pid-file p id1)"
check "create: arguments passed through" '[[ "$out" == "--root /run/x --log /tmp/l --log-format json create --bundle $WORK/b --pid-file p id1" ]]'
check "create: missing capability removed from every set" \
  '[[ "$(jq -c .process.capabilities "$WORK/b/config.json")" == "{\"bounding\":[\"CAP_CHOWN\",\"CAP_KILL\"],\"effective\":[],\"permitted\":[\"CAP_KILL\"]}" ]]'
check "create: rest of the spec untouched" \
  '[[ "$(jq -cS "del(.process.capabilities)" "$WORK/b/config.json")" == "$(jq -cS "del(.process.capabilities)" "$WORK/config.orig")" ]]'

cp "$WORK/config.orig" "$WORK/b/config.json"
(cd "$WORK/b" && DEVUP_REAL_RUNC=/bin/echo "$WORK/shim" run id2 >/dev/null)
check "run without --bundle: uses the working directory" \
  '[[ "$(jq -c .process.capabilities.bounding "$WORK/b/config.json")" == "[\"CAP_CHOWN\",\"CAP_KILL\"]" ]]'

DEVUP_REAL_RUNC=/bin/echo "$WORK/shim" --root /run/x exec --process "$WORK/proc.json" --detach id1 >/dev/null
check "exec --process: top-level capabilities filtered" \
  '[[ "$(jq -c . "$WORK/proc.json")" == "{\"args\":[\"ls\"],\"capabilities\":{\"bounding\":[\"CAP_NET_ADMIN\"]},\"cwd\":\"/\"}" ]]'

cp "$WORK/config.orig" "$WORK/b/config.json"
DEVUP_REAL_RUNC=/bin/echo "$WORK/shim" --root /run/x state id1 >/dev/null
check "other subcommands: files untouched" 'cmp -s "$WORK/b/config.json" "$WORK/config.orig"'

echo "$PASSED passed, $FAILED failed"
[[ $FAILED == 0 ]]
