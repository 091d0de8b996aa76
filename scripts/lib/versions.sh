# Pinned tool versions for the bootstrap. Integrity values are the npm registry's `dist.integrity`.
# Bump a version: `npm view <pkg>@<ver> dist.integrity`, paste both here.
DEVUP_NODE_VERSION=24.21.0
DEVUP_NODE_INTEGRITY='sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q=='
DEVUP_NODE_MIN_MAJOR=22
DEVUP_PNPM_VERSION=12.21.0
DEVUP_PNPM_INTEGRITY='sha512-8eufCjHXspKbNS/kh8q4Q0gqJoOuvC4Q5pgos6XS8By/nAMtP+jf8F1Cw9er840kfAX+PJ/ts+A9qnLE91rvXQ=='
DEVUP_NPM_REGISTRY=${DEVUP_NPM_REGISTRY:-https://registry.npmjs.org}
DEVUP_CACHE_DIR=${DEVUP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/devup}
