# Sourced by the set-up scripts (ensure-*.sh) that fetch what the tests need, so that no fetch can
# hang `npm test`: each attempt runs in its own process group under a deadline, and the WHOLE group
# is killed afterwards. Why the group: `npm install node@24` runs a nested `npm install` that once
# sat on an open registry connection after the binary had arrived, holding the pipes open, while a
# timeout that killed only the direct child left it there and the suite hung for 20 minutes.
#
#   run_bounded SECONDS LOG CMD...        one attempt; output appended to LOG; status of CMD, 124 on timeout
#   fetch_with_retry WHAT SECONDS LOG CHECK CMD...
#                                          up to two attempts, each followed by CHECK (a command that says
#                                          whether the thing is now there; `-`: the attempt's own status
#                                          decides); on failure one line on stderr naming WHAT, and status 1
# SA_FETCH_KILL_AFTER (default 10): seconds between SIGTERM and SIGKILL once a deadline passes.

run_bounded() {
  local seconds=$1 log=$2
  shift 2
  # GNU timeout makes itself the leader of a new process group and, on the deadline, signals that
  # whole group (not only its child). In the background, so its pid is the group's id.
  timeout --kill-after="${SA_FETCH_KILL_AFTER:-10}" -s TERM "$seconds" "$@" </dev/null >>"$log" 2>&1 &
  local group=$!
  local status=0
  wait "$group" || status=$?
  # timeout returns when its direct child ends; a grandchild that ignored SIGTERM or outlived its
  # parent is still in the group: nothing of an attempt may outlive it.
  kill -KILL -- "-$group" 2>/dev/null || true
  return "$status"
}

fetch_with_retry() {
  local what=$1 seconds=$2 log=$3 check=$4
  shift 4
  local attempt status why
  for attempt in 1 2; do
    status=0
    run_bounded "$seconds" "$log" "$@" || status=$?
    # The check decides, not the status: a fetch killed at its deadline may have got there already.
    if [[ $check == - ]]; then ((status == 0)) && return 0
    elif $check >>"$log" 2>&1; then return 0; fi
    if ((status == 124 || status == 137)); then why="timed out after ${seconds}s"; else why="exit $status"; fi
    echo "[setup] attempt $attempt to fetch $what failed ($why)" >>"$log"
  done
  echo "[setup] could not fetch $what: two attempts failed, the last $why (log: $log)" >&2
  return 1
}
