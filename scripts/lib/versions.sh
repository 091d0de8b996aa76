# Pinned tool versions for the bootstrap. Node and pnpm per platform are in platforms.txt
# (platform_row in common.sh reads it); bump one: `npm view <pkg>@<ver> dist.integrity`, paste both there.
# shellcheck shell=bash disable=SC2034 # read by the scripts that source this file
DEVUP_NODE_MIN_MAJOR=22
DEVUP_NPM_REGISTRY=${DEVUP_NPM_REGISTRY:-https://registry.npmjs.org}
DEVUP_CACHE_DIR=${DEVUP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/devup}
