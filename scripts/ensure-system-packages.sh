#!/usr/bin/env bash
# Installs the Debian packages `npm test` needs when they are missing; `npm test` runs it first.
# Present packages cost one stat or `command -v` each: no apt call, no output. Missing ones are
# installed with apt-get as root (CI, containers); otherwise the script stops and prints the exact
# command to run. Messages go to stderr.
#
# What needs what:
# - chromium: the results-panel browser tests (test/webview) and the end-to-end tests (test/e2e)
#   drive Debian's /usr/bin/chromium with playwright-core (CHROMIUM_PATH overrides the path); the
#   WebGPU tests (test/webgpu) run Dawn on the SwiftShader Vulkan driver the package carries in
#   /usr/lib/chromium (vk_swiftshader_icd.json, libvulkan.so.1).
# - redis-server: the queue tests (test/queue) start a real one on a loopback port.
# - ripgrep, pkg-config, libkrb5-dev, python3, g++, make: code-server's install for the e2e tests
#   builds native modules and needs rg (see scripts/ensure-code-server.sh).
#
# Environment:
# - SA_NO_APT=1: never run apt-get, even as root; report what is missing and fail instead.
# - SA_UID=N: the user id to act as (tests check the root path with a stand-in apt-get as any user).
# - SA_CHECK_EXTRA="command:package ...": more checks, a command on PATH and the Debian package
#   that provides it (the tests use this to simulate a missing package).
set -euo pipefail

step() { echo "[setup] $*" >&2; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
have_cmd() { command -v "$1" >/dev/null 2>&1; }

missing=()
why=()
need() { # need PACKAGE REASON: records a missing package once, and why it is needed
  local p
  for p in ${missing[@]+"${missing[@]}"}; do [[ $p == "$1" ]] && return 0; done
  missing+=("$1")
  for p in ${why[@]+"${why[@]}"}; do [[ $p == "$2" ]] && return 0; done
  why+=("$2")
}

BROWSER='the browser and e2e tests'
CODE_SERVER="code-server's install for the e2e tests"
[[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]] || need chromium "$BROWSER"
have_cmd rg || need ripgrep "$CODE_SERVER"
have_cmd pkg-config || need pkg-config "$CODE_SERVER"
[[ -e /usr/include/krb5.h ]] || have_pkg libkrb5-dev || pkg-config --exists krb5-gssapi 2>/dev/null || need libkrb5-dev "$CODE_SERVER"
have_cmd python3 || need python3 "$CODE_SERVER"
have_cmd g++ || need g++ "$CODE_SERVER"
have_cmd make || need make "$CODE_SERVER"
have_cmd redis-server || need redis-server "the queue tests (test/queue)"
for extra in ${SA_CHECK_EXTRA:-}; do
  have_cmd "${extra%%:*}" || need "${extra#*:}" SA_CHECK_EXTRA
done

((${#missing[@]})) || exit 0

reasons=$(printf '%s; ' "${why[@]}"); reasons=${reasons%; }
if [[ ${SA_NO_APT:-} == 1 || ${SA_UID:-$(id -u)} -ne 0 ]] || ! have_cmd apt-get; then
  step "missing Debian packages: ${missing[*]} (needed by $reasons). Install them with:"
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

step "installing missing Debian packages: ${missing[*]} (needed by $reasons)"
export DEBIAN_FRONTEND=noninteractive
# Each apt-get has a deadline (SA_APT_TIMEOUT, default 600 s) that kills its whole process group, and
# one retry; what could not be fetched is named in one line, the log is kept.
source "$(dirname "${BASH_SOURCE[0]}")/lib/bounded-fetch.sh"
log="$(mktemp "${TMPDIR:-/tmp}/sa-apt-XXXXXX.log")"
APT_TIMEOUT=${SA_APT_TIMEOUT:-600}
fetch_with_retry "the Debian package lists (apt-get update)" "$APT_TIMEOUT" "$log" - apt-get update -qq || exit 1
fetch_with_retry "Debian packages ${missing[*]} (apt-get install)" "$APT_TIMEOUT" "$log" - apt-get install -y -qq "${missing[@]}" || exit 1
rm -f "$log"
