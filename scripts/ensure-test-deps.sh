#!/usr/bin/env bash
# What the tests need from outside the repo, fetched BEFORE any test runs (`npm test` calls this
# first), so that no test reaches a registry: Debian packages (chromium, redis-server and the
# toolchain), Node 24 (.cache/node24) and code-server (.cache/code-server). Each fetch has a deadline
# that kills its whole process group, one retry, and one line naming what could not be fetched.
# Everything already present costs a few stats and prints nothing.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$HERE/ensure-system-packages.sh"
bash "$HERE/ensure-node24.sh"
bash "$HERE/ensure-code-server.sh" --quiet >/dev/null
