#!/usr/bin/env bash
# Installs code-server (a real VS Code in the browser) for the end-to-end tests, once, into its own
# folder: ${CODE_SERVER_HOME:-<repo>/.cache/code-server}, never the repo's node_modules. Idempotent:
# a second run only prints the path. The last line of output is always the code-server executable.
# `npm test` runs it first (scripts/ensure-test-deps.sh), so the e2e tests find it cached.
#   --cached  never fetch: print the executable if installed, else one line saying so and exit 1
#             (what the e2e tests call: no test reaches a registry)
#   --quiet   say nothing when it is already installed
# The npm install has a deadline (SA_CODE_SERVER_TIMEOUT, default 900 s) that kills its whole process
# group, and one retry (scripts/lib/bounded-fetch.sh).
#
# Why each step (see /work/shared/notes/code-server.md):
# - code-server 4.100.3 (VS Code 1.100) is the newest release that runs on Node 20.
# - Its postinstall builds native modules: kerberos needs libkrb5-dev + pkg-config; node-gyp needs
#   python3, g++, make. As root npm skips the postinstall unless unsafe-perm is set, and node-pty's
#   postinstall runs `npx node-gyp`, which aborts on its "Ok to proceed?" prompt unless yes is set.
# - @vscode/ripgrep downloads rg from GitHub at install time (unreachable on CI machines). Its
#   downloader first looks in $TMPDIR/vscode-ripgrep-cache-<version>/ for the release archive, so we
#   put Debian's rg there, packed the way the release is (a tar.gz with `rg` at its root).
set -euo pipefail

CS_VERSION=4.100.3
RG_PKG_VERSION=1.15.11                 # @vscode/ripgrep inside code-server 4.100.3
RG_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CS_HOME="${CODE_SERVER_HOME:-$ROOT/.cache/code-server}"
BIN="$CS_HOME/node_modules/.bin/code-server"
MARKER="$CS_HOME/.installed-$CS_VERSION"
LOG="$CS_HOME/install.log"

step() { echo "[ensure-code-server] $*" >&2; }
# shellcheck source=lib/bounded-fetch.sh
source "$ROOT/scripts/lib/bounded-fetch.sh"
CACHED_ONLY=0 QUIET=0
for arg in "$@"; do
  case $arg in
    --cached) CACHED_ONLY=1 ;;
    --quiet) QUIET=1 ;;
    *) step "unknown option $arg"; exit 2 ;;
  esac
done

installed() { [[ -f "$MARKER" && -x "$BIN" ]]; }
if installed; then
  ((QUIET)) || step "code-server $CS_VERSION already installed in $CS_HOME"
  echo "$BIN"
  exit 0
fi
if ((CACHED_ONLY)); then
  step "code-server $CS_VERSION is not installed in $CS_HOME: run bash scripts/ensure-code-server.sh (npm test runs it first)"
  exit 1
fi

mkdir -p "$CS_HOME"
# The default home is inside the repo: keep it out of git without touching the repo's .gitignore.
if [[ -z "${CODE_SERVER_HOME:-}" && ! -f "$ROOT/.cache/.gitignore" ]]; then echo '*' > "$ROOT/.cache/.gitignore"; fi
: > "$LOG"
fail() { step "FAILED: $* (last lines of $LOG below)"; tail -n 40 "$LOG" >&2; exit 1; }
start=$SECONDS

# 1. System packages (rg and the native-module toolchain): the check `npm test` runs first too. It
#    installs what is missing as root, otherwise prints the apt-get command and fails.
bash "$ROOT/scripts/ensure-system-packages.sh" || { step "FAILED: missing system packages (see above)"; exit 1; }

# 2. The ripgrep archive @vscode/ripgrep would otherwise download. We point TMPDIR at our own folder
#    for the install so nothing is left in /tmp and a stale archive elsewhere cannot interfere.
RG_TMP="$CS_HOME/tmp"
RG_CACHE="$RG_TMP/vscode-ripgrep-cache-$RG_PKG_VERSION"
mkdir -p "$RG_CACHE"
if [[ ! -s "$RG_CACHE/$RG_ASSET" ]]; then
  step "packing Debian's rg as $RG_ASSET"
  stage="$(mktemp -d)"
  cp "$(command -v rg)" "$stage/rg"
  chmod 755 "$stage/rg"
  tar -czf "$RG_CACHE/$RG_ASSET" -C "$stage" rg
  rm -rf "$stage"
else
  step "ripgrep cache archive present"
fi

# 3. code-server itself, in its own npm project so it never mixes with the repo's dependencies.
if [[ ! -f "$CS_HOME/package.json" ]]; then
  printf '{\n  "name": "e2e-code-server",\n  "private": true,\n  "description": "code-server for the end-to-end tests; installed by scripts/ensure-code-server.sh"\n}\n' > "$CS_HOME/package.json"
fi
step "npm install code-server@$CS_VERSION into $CS_HOME (a few minutes; log: $LOG)"
install_code_server() {
  cd "$CS_HOME"
  export TMPDIR="$RG_TMP"
  export npm_config_unsafe_perm=true npm_config_yes=true
  export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
  npm install --save-exact --no-package-lock --loglevel=warn "code-server@$CS_VERSION"
}
export -f install_code_server
export CS_HOME RG_TMP CS_VERSION
code_server_present() { [[ -x "$BIN" ]]; }
fetch_with_retry "code-server $CS_VERSION (npm install into $CS_HOME)" "${SA_CODE_SERVER_TIMEOUT:-900}" "$LOG" code_server_present \
  bash -c install_code_server || exit 1

[[ -x "$BIN" ]] || fail "no executable at $BIN after install"
CODE_SERVER_CONFIG="$CS_HOME/config.yaml" XDG_DATA_HOME="$CS_HOME/xdg-data" "$BIN" --version >>"$LOG" 2>&1 || fail "$BIN --version"
touch "$MARKER"
step "code-server $CS_VERSION installed in $((SECONDS - start))s"
echo "$BIN"
