# Shared helpers for devup's bash scripts. Source it; it defines functions only.
# shellcheck shell=bash

devup_root() { cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd; }

say() { printf '%s\n' "devup: $*" >&2; }
die() { printf '%s\n' "devup: error: $*" >&2; exit 1; }

# fetch_npm_tarball NAME VERSION INTEGRITY DEST_DIR
# Downloads a package tarball from the npm registry into the download cache (once), checks its
# sha512 integrity, and unpacks it into DEST_DIR (the tarball's `package/` folder becomes DEST_DIR).
fetch_npm_tarball() {
  local name=$1 version=$2 integrity=$3 dest=$4
  local base=${name##*/}
  local cache="$DEVUP_CACHE_DIR/downloads"
  local file="$cache/${name//\//+}-$version.tgz"
  mkdir -p "$cache"
  if [[ ! -s $file ]]; then
    say "downloading $name@$version from the npm registry"
    curl -fsSL --retry 3 -o "$file.part" "$DEVUP_NPM_REGISTRY/$name/-/$base-$version.tgz" \
      || die "could not download $name@$version from $DEVUP_NPM_REGISTRY (is the npm registry reachable?)"
    mv "$file.part" "$file"
  fi
  local want=${integrity#sha512-}
  local got
  got=$(openssl dgst -sha512 -binary "$file" | base64 -w0)
  if [[ $got != "$want" ]]; then
    rm -f "$file"
    die "$name@$version: integrity check failed (expected sha512-$want, got sha512-$got); the download was removed, run again"
  fi
  rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
  tar -xzf "$file" -C "$dest.tmp" --strip-components=1
  rm -rf "$dest" && mv "$dest.tmp" "$dest"
}
