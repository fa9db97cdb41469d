#!/usr/bin/env bash
# Runs the fuzz targets of fuzz/ with libFuzzer: scripts/fuzz.sh SECONDS [TARGET...]
# (all targets by default). Built with plain `cargo +nightly` and the flags cargo-fuzz
# uses (SanitizerCoverage + AddressSanitizer), so cargo-fuzz need not be installed;
# `cargo fuzz run TARGET` works on the same project too.
#   FUZZ_CORPUS=DIR  grow the corpus there (default: a temporary directory, discarded);
#                    the seeds in fuzz/corpus/TARGET are always read, never written.
# A crash stops with the input saved under target/fuzz/artifacts/TARGET/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:?usage: scripts/fuzz.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=($(ls fuzz/fuzz_targets | sed 's/\.rs$//'))

scripts/nightly.sh
host=$(rustc +nightly -vV | sed -n 's/^host: //p')
# --target keeps the instrumentation out of build scripts and proc macros.
RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Zsanitizer=address \
-Cdebug-assertions -Coverflow-checks" \
  cargo +nightly build --quiet --release --manifest-path fuzz/Cargo.toml \
  --target "$host" --target-dir target/fuzz --bins
bin=target/fuzz/$host/release

passed=0 failed=0
for t in "${targets[@]}"; do
  if [ -n "${FUZZ_CORPUS:-}" ]; then work=$FUZZ_CORPUS/$t; else work=$(mktemp -d); fi
  mkdir -p "$work" "target/fuzz/artifacts/$t"
  log=$(mktemp)
  if "$bin/$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
      -artifact_prefix="target/fuzz/artifacts/$t/" "$work" "fuzz/corpus/$t" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "fuzz $t: ok, ${runs:-?} runs in ${seconds}s, corpus $(ls "$work" | wc -l) new"
    passed=$((passed + 1))
  else
    echo "fuzz $t: FAILED"; tail -40 "$log"; failed=$((failed + 1))
  fi
  rm -f "$log"
  [ -n "${FUZZ_CORPUS:-}" ] || rm -rf "$work"
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" = 0 ]
