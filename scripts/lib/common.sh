# Shared helpers for devup's bash scripts. Source it; it defines functions only.
# shellcheck shell=bash

devup_root() { cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd; }

say() { printf '%s\n' "devup: $*" >&2; }
die() { printf '%s\n' "devup: error: $*" >&2; exit 1; }

# sha256_of: the hex SHA-256 of stdin (sha256sum on Linux, shasum on macOS, else openssl).
sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then shasum -a 256 | cut -d' ' -f1
  else openssl dgst -sha256 -r | cut -d' ' -f1
  fi
}

# platform_key OS ARCH: the row name in platforms.txt for `uname -s` `uname -m` (arm64 Linux is aarch64).
platform_key() {
  local os=$1 arch=$2
  [[ $os == Linux && $arch == arm64 ]] && arch=aarch64
  printf '%s-%s\n' "$os" "$arch"
}

# platform_row KEY: the row of platforms.txt for KEY (7 columns), or nothing.
platform_row() {
  local table
  table="$(dirname "${BASH_SOURCE[0]}")/platforms.txt"
  awk -v key="$1" '$1 == key && NF == 7 { print; exit }' "$table"
}

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
  got=$(openssl dgst -sha512 -binary "$file" | openssl base64 -A)
  if [[ $got != "$want" ]]; then
    rm -f "$file"
    die "$name@$version: integrity check failed (expected sha512-$want, got sha512-$got); the download was removed, run again"
  fi
  rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
  tar -xzf "$file" -C "$dest.tmp" --strip-components=1
  rm -rf "$dest" && mv "$dest.tmp" "$dest"
}
