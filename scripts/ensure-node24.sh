#!/usr/bin/env bash
# Fetches Node 24 for test/core/nodeCompat.test.ts (the trainer under Node 24, where tfjs-node's
# legacy util calls break) from the npm registry (the `node` package, whose preinstall fetches
# node-<platform>-<arch>), once, into ${SPARSE_ATTENTION_NODE24_HOME:-<repo>/.cache/node24}. `npm test`
# runs it before the tests, which only use the cached binary. Silent when it is already there;
# SPARSE_ATTENTION_NODE24=<binary> (a Node 24 you have) skips it. Each attempt has a deadline
# (SA_NODE24_TIMEOUT, default 300 s) that kills its whole process group; one retry.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib/bounded-fetch.sh
source "$ROOT/scripts/lib/bounded-fetch.sh"

[[ -n "${SPARSE_ATTENTION_NODE24:-}" ]] && exit 0
HOME24="${SPARSE_ATTENTION_NODE24_HOME:-$ROOT/.cache/node24}"
BIN="$HOME24/node_modules/node/bin/node"

is_node24() { [[ -x "$BIN" ]] && [[ "$(timeout 20 "$BIN" --version 2>/dev/null)" == v24.* ]]; }
is_node24 && exit 0

mkdir -p "$HOME24"
# The default home is inside the repo: keep it out of git without touching the repo's .gitignore.
if [[ -z "${SPARSE_ATTENTION_NODE24_HOME:-}" && ! -f "$ROOT/.cache/.gitignore" ]]; then echo '*' > "$ROOT/.cache/.gitignore"; fi
[[ -f "$HOME24/package.json" ]] || echo '{ "name": "node24-for-tests", "private": true, "description": "Node 24 for test/core/nodeCompat.test.ts; installed by scripts/ensure-node24.sh" }' > "$HOME24/package.json"
LOG="$HOME24/install.log"
: > "$LOG"
echo "[setup] fetching Node 24 (npm install node@24) into $HOME24" >&2
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
fetch_with_retry "Node 24 (npm install node@24 into $HOME24)" "${SA_NODE24_TIMEOUT:-300}" "$LOG" is_node24 \
  npm install --prefix "$HOME24" --no-package-lock --save-exact --loglevel=warn node@24
echo "[setup] Node $("$BIN" --version) in $HOME24" >&2
