#!/usr/bin/env bash
# The WebGPU check for a borrowed GPU host (issue 21): the adapter, member-steps/s against K and T,
# the protocol grid's wall time and m*(T) on webgpu and on wasm, and the full protocol's wall time
# if it fits. Everything is printed and kept in $OUT (else $RESULTS, else ./gpu-results).
#
# Two ways to run it:
#   bash bench/gpu-check.sh kit KITDIR   on this machine, from the project's root: builds, bundles the
#                                        bench (dist/webgpu-bench.js) and packs KITDIR with
#                                        ../shared/bench/gpu-kit.sh; on the host: bash KITDIR/run.sh
#                                        (with OUT or RESULTS naming the results folder)
#   bash bench/gpu-check.sh run          the check itself, from the app's root (the kit's run.sh does
#                                        this); on a CPU machine it runs on SwiftShader when
#                                        GPU_CHECK_SOFTWARE=1 (the figures are then NOT GPU figures)
# Time limits (seconds, the host is lent by the minute): TOTAL_S (default 480) bounds the whole
# check; TABLE_S the member-steps table (default 120), GRID_S each grid run (default 150); the full
# protocol gets what is left (it is skipped under FULL_MIN_S, default 60). GRID_WASM=0 skips the
# wasm grid; GPU_MEMORY_GIB (default 100) bounds an ensemble's memory estimate on the device.
# BUDGET, STEPS, KS, TS (comma lists) pass through to the table (webgpuChild.ts's flags).
set -uo pipefail
mode=${1:-run}

if [ "$mode" = kit ]; then
  kit=${2:?usage: bash bench/gpu-check.sh kit KITDIR}
  set -e
  npm run build >/dev/null
  # The bench as one file beside dist/cli.js (the kit carries dist/, not src/, bench/ or tsx);
  # the options are scripts/build.mjs's.
  npx esbuild bench/webgpuChild.ts --bundle --platform=node --target=node20 --format=cjs \
    --external:@tensorflow/tfjs-node --external:@tensorflow/tfjs-node-gpu --external:webgpu --external:node-fetch \
    --ignore-annotations --main-fields=module,main --log-level=warning --outfile=dist/webgpu-bench.js
  cp bench/gpu-check.sh dist/gpu-check.sh
  # $RESULTS stays literal here: run.sh expands it on the host.
  bash ../shared/bench/gpu-kit.sh "$kit" 'RESULTS="$RESULTS" bash dist/gpu-check.sh run'
  exit 0
fi
[ "$mode" = run ] || { echo "usage: bash bench/gpu-check.sh [run | kit KITDIR]" >&2; exit 2; }

out=${OUT:-${RESULTS:-$PWD/gpu-results}}
mkdir -p "$out"
t_start=$(date +%s)
TOTAL_S=${TOTAL_S:-480} TABLE_S=${TABLE_S:-120} GRID_S=${GRID_S:-150} FULL_MIN_S=${FULL_MIN_S:-60}
left() { echo $((TOTAL_S - ($(date +%s) - t_start))); }
bench=dist/webgpu-bench.js
[ -f "$bench" ] || bench="--import tsx bench/webgpuChild.ts" # from a checkout rather than the kit
if [ "${GPU_CHECK_SOFTWARE:-0}" = 1 ]; then
  export LD_LIBRARY_PATH="/usr/lib/chromium:${LD_LIBRARY_PATH:-}" VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json SPARSE_ATTENTION_ALLOW_SOFTWARE_GPU=1
  echo "GPU_CHECK_SOFTWARE=1: on SwiftShader, NOT GPU figures" | tee "$out/software.txt"
fi

# The adapter and member-steps/s against K ∈ {1,16,64,256,1024} at T ∈ {40,160,500}, wasm beside it.
echo "== member-steps/s (table limit ${TABLE_S}s a backend)"
# shellcheck disable=SC2086 # $bench may be two words (--import tsx FILE)
timeout -k 10 $((2 * TABLE_S + 60)) node $bench --out "$out/webgpu-table.json" --print --table-budget "$TABLE_S" \
  --memory-gib "${GPU_MEMORY_GIB:-100}" ${BUDGET:+--budget "$BUDGET"} ${STEPS:+--steps "$STEPS"} \
  ${KS:+--ks "$KS"} ${TS:+--ts "$TS"} 2> >(tee "$out/webgpu-table.log" >&2) | tee "$out/webgpu-table.txt"
echo "table: exit ${PIPESTATUS[0]}"

# time_sweep NAME FILE BACKEND LIMIT: wall time, runs and m*(T) of one sweep through the CLI.
time_sweep() {
  local name=$1 file=$2 backend=$3 limit=$4 dir t0 t1 rc
  dir=$(mktemp -d)
  echo "== $name: $file --backend $backend --ensemble auto (limit ${limit}s)"
  t0=$(date +%s%N)
  # -k: the sweep stops its ensemble processes after their step; on SwiftShader a step can take a minute.
  timeout -k 20 "$limit" node bin/sparse-attention.js sweep "$file" --backend "$backend" --ensemble auto --json --out "$dir" \
    >"$out/$name.jsonl" 2>"$out/$name.err"
  rc=$?
  t1=$(date +%s%N)
  node -e '
    const [file, name, backend, rc, ms, limit] = process.argv.slice(1);
    const lines = require("fs").readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => { try { return JSON.parse(l); } catch { return {}; } });
    const s = lines.filter((e) => e.type === "sweep-summary").pop();
    const cells = lines.filter((e) => e.type === "cell-finished");
    const last = cells[cells.length - 1];
    // A sweep stopped by the time limit still writes a summary, with status "cancelled".
    const r = { name, backend, exit: Number(rc), wallSeconds: Number(ms) / 1000, finished: !!s && s.status !== "cancelled" };
    if (s) Object.assign(r, { status: s.status, runsExecuted: s.runsExecuted, runsFailed: s.runsFailed, mStar: (s.points || []).map((p) => ({ T: p.T, mStar: p.mStar })), verdict: s.verdict });
    if (!r.finished) r.progress = last ? `${last.runsDone}/${last.plannedRuns} runs when stopped` : "no cell finished";
    console.log(JSON.stringify(r));
    const mStar = (r.mStar || []).map((p) => `${p.T}:${p.mStar ?? "–"}`).join(" ");
    console.error(r.finished ? `${name} (${backend}): ${r.wallSeconds.toFixed(1)} s, ${r.runsExecuted} runs, ${r.runsFailed} failed; m*(T) ${mStar}` : `${name} (${backend}): did not finish within ${limit} s (${r.progress}, exit ${rc})`);
  ' "$out/$name.jsonl" "$name" "$backend" "$rc" "$(( (t1 - t0) / 1000000 ))" "$limit" >>"$out/sweeps.jsonl" 2> >(tee -a "$out/sweeps.txt" >&2)
  rm -rf "$dir"
}

grid=examples/and-protocol-grid.sweep.json
time_sweep grid-webgpu "$grid" webgpu "$(( GRID_S < $(left) ? GRID_S : $(left) ))"
[ "${GRID_WASM:-1}" = 1 ] && [ "$(left)" -gt 30 ] && time_sweep grid-wasm "$grid" wasm "$(( GRID_S < $(left) ? GRID_S : $(left) ))"
if [ "${GPU_CHECK_SOFTWARE:-0}" != 1 ] && [ "$(left)" -ge "$FULL_MIN_S" ]; then
  time_sweep full-webgpu examples/and-sweep-full.sweep.json webgpu "$(( $(left) - 10 ))"
else
  why="$(left) s left, it needs ${FULL_MIN_S}"; [ "${GPU_CHECK_SOFTWARE:-0}" = 1 ] && why="never on SwiftShader (hours)"
  echo "full protocol: skipped ($why)" | tee -a "$out/sweeps.txt"
fi

echo "== summary (results in $out)"
cat "$out/software.txt" 2>/dev/null
grep -E '^adapter:|SOFTWARE' "$out/webgpu-table.txt" | sort -u
cat "$out/sweeps.txt"
echo "total $(( $(date +%s) - t_start )) s"
