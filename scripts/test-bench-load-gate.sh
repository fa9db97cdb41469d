#!/usr/bin/env bash
# Proves the benchmark's load gate (scripts/bench.sh, bench/report.py) holds, without
# running a benchmark: with a stand-in /proc/loadavg (BENCH_LOADAVG_FILE),
#   - bench.sh refuses to start on a busy machine, and gets past the gate on a quiet one;
#   - report.py refuses to write BENCHMARKS.md when the load was high at the start or is
#     high at the end, and writes it on a quiet run;
#   - report.py refuses too when the bare references moved too much from run to run (a
#     noisy VM host, which the load average does not show), and writes it when they held;
#   - BENCH_FORCE_LOAD=1 writes it with UNRELIABLE on top and on every figure.
# The report cases that write a file need matplotlib (bench/.venv, made by `make bench`);
# without it they say skipped. Removing either check makes this fail.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/paytoken-load-gate.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $1"; }
bad() { failed=$((failed + 1)); echo "FAILED: $1"; grep -v "NOT RUN" "$work/log" | tail -5 | sed 's/^/  | /'; }
loadavg() { echo "$1 $1 $1 1/100 4242" >"$work/loadavg"; }
export BENCH_LOADAVG_FILE=$work/loadavg BENCH_MAX_LOAD_START=1 BENCH_MAX_LOAD_END=2
unset BENCH_FORCE_LOAD

# ---------------------------------------------------------------- bench.sh, at the start
# A simulator path that does not exist: past the gate, bench.sh stops at "build first".
start_gate() { PAYTOKEN_SIM=$work/no-sim BENCH_ONLY=c "$repo/scripts/bench.sh" >"$work/log" 2>&1; }
loadavg 7.5
start_gate
if [ $? -eq 2 ] && grep -q "refused: load average 7.5" "$work/log"; then ok "bench.sh refuses to start at load 7.5"
else bad "bench.sh should refuse to start at load 7.5"; fi
loadavg 0.20
start_gate
if grep -q "build first" "$work/log" && ! grep -q refused "$work/log"; then ok "bench.sh starts at load 0.20"
else bad "bench.sh should get past the gate at load 0.20"; fi
loadavg 7.5
BENCH_FORCE_LOAD=1 start_gate
if grep -q "UNRELIABLE RUN" "$work/log" && grep -q "build first" "$work/log"; then ok "BENCH_FORCE_LOAD=1 starts at load 7.5, saying UNRELIABLE"
else bad "BENCH_FORCE_LOAD=1 should start at load 7.5 and say UNRELIABLE"; fi

# ---------------------------------------------------------------- report.py, at the end
mkdir -p "$work/repo/bench" "$work/out"
cp "$repo/bench/BENCHMARKS.head.md" "$repo/bench/BENCHMARKS.analysis.md" "$work/repo/bench/"
printf '{"id": "c.token.1", "run": 0, "value": 80.0, "unit": "ns"}\n' >"$work/out/results.jsonl"
python=python3
[ -x "$repo/bench/.venv/bin/python" ] && python=$repo/bench/.venv/bin/python
report() { "$python" "$repo/bench/report.py" "$work/out/results.jsonl" "$work/repo" >"$work/log" 2>&1; }
refused() { # refused DESCRIPTION: exit 3, no BENCHMARKS.md, the table kept aside
  local status=$1
  if [ "$status" -eq 3 ] && [ ! -e "$work/repo/BENCHMARKS.md" ] && grep -q REFUSED "$work/log" &&
     grep -q "Not published" "$work/out/BENCHMARKS.refused.md"; then ok "report.py refuses: $2"
  else bad "report.py should refuse: $2 (exit $status)"; fi
  rm -f "$work/out/BENCHMARKS.refused.md"
}
export BENCH_LOAD_START="0.30 0.30 0.30"
loadavg 5.0
report; refused $? "quiet start, load 5.0 at the end"
export BENCH_LOAD_START="6.00 6.00 6.00"
loadavg 0.50
report; refused $? "load 6.0 at the start, quiet end"

# The noise gate: a quiet load at both ends, but references that moved 2x between runs.
references() { # references C_RUNS PHP_RUNS: three runs of two bare references
  local run=0 c php
  read -r -a c <<<"$1"; read -r -a php <<<"$2"
  for run in 0 1 2; do
    printf '{"id": "c.token.bare", "run": %d, "value": %s, "unit": "ns"}\n' "$run" "${c[$run]}"
    printf '{"id": "php.token.bare", "run": %d, "value": %s, "unit": "ns"}\n' "$run" "${php[$run]}"
  done
}
printf '{"id": "c.token.1", "run": 0, "value": 80.0, "unit": "ns"}\n' >"$work/out/results.jsonl"
references "10 20 11" "300 600 310" >>"$work/out/results.jsonl"
export BENCH_LOAD_START="0.30 0.30 0.30"
loadavg 0.50
report; status=$?
grep -q "the host is noisy" "$work/log" || status="$status, without naming the noise"
refused "$status" "quiet load, references moving 2x from run to run"
printf '{"id": "c.token.1", "run": 0, "value": 80.0, "unit": "ns"}\n' >"$work/out/results.jsonl"
references "10 10.5 11" "300 305 310" >>"$work/out/results.jsonl"

if "$python" -c 'import matplotlib' 2>/dev/null; then
  export BENCH_LOAD_START="0.30 0.30 0.30"
  report
  # (The word itself is in the file's own description of the gate: look for the marks.)
  if [ $? -eq 0 ] && grep -q "^| C: .* | 80 ns | .* | ✅ |$" "$work/repo/BENCHMARKS.md" &&
     ! grep -q "⚠️ UNRELIABLE\|⚠️ \*\*UNRELIABLE" "$work/repo/BENCHMARKS.md"; then ok "report.py writes BENCHMARKS.md after a quiet run"
  else bad "report.py should write BENCHMARKS.md after a quiet run"; fi
  rm -f "$work/repo/BENCHMARKS.md"
  loadavg 5.0
  BENCH_FORCE_LOAD=1 report
  # The rows of the results table with a figure (not its sections, not the parts not run).
  rows() { awk '/^\| benchmark \| median/ { on = 1; next } on && !/^\|/ { on = 0 }
                on && /^\| [^*-]/ && !/not run/' "$work/repo/BENCHMARKS.md" 2>/dev/null; }
  figures=$(rows | wc -l)
  marked=$(rows | grep -c UNRELIABLE)
  if grep -q "^> ⚠️ \*\*UNRELIABLE" "$work/repo/BENCHMARKS.md" && [ "$figures" -gt 0 ] &&
     [ "$figures" = "$marked" ]; then ok "BENCH_FORCE_LOAD=1 writes it with every measured figure marked UNRELIABLE"
  else bad "BENCH_FORCE_LOAD=1 should mark every figure UNRELIABLE ($marked of $figures)"; fi
else
  echo "skipped: report.py writing BENCHMARKS.md (no matplotlib; make bench creates bench/.venv)"
fi
echo "load gate: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
