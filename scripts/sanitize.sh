#!/usr/bin/env bash
# `make sanitize`: the C API test (tests/c) and the Rust integration tests under
# AddressSanitizer (+ LeakSanitizer), the cache concurrency tests (tests/token_cache.rs)
# under ThreadSanitizer. Needs nightly Rust with rust-src (scripts/nightly.sh installs
# them): -Zsanitizer is unstable, and TSan rebuilds the standard library (-Zbuild-std) so
# that std's own synchronisation is seen and reports no false positives.
# Builds go to target/sanitize-{address,thread}; usage: scripts/sanitize.sh [address] [thread]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/nightly.sh
host=$(rustc +nightly -vV | sed -n 's/^host: //p')
kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || kinds=(address thread)
export CARGO_TERM_COLOR=never
# The simulator binary the C test runs is the ordinary one (it is not under test).
sim=$PWD/target/release/paytoken-sim
[ -x "$sim" ] || cargo build --release -p paytoken-sim

address() {
  local dir=target/sanitize-address
  export RUSTFLAGS="-Zsanitizer=address -Cdebug-assertions"
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1"
  # A test's deliberate panic with RUST_BACKTRACE set symbolizes a backtrace, and std keeps
  # that debug-info cache for the life of the process: LeakSanitizer reports it (20 MB).
  export RUST_BACKTRACE=0
  # --target: build scripts and proc macros stay uninstrumented.
  echo "sanitize: Rust integration tests under AddressSanitizer"
  # string_free_wipes reads a block after freeing it, on purpose (is the wipe there?):
  # that is exactly what AddressSanitizer forbids, so it runs in make test only.
  cargo +nightly test --release --target "$host" --target-dir "$dir" -p paytoken --tests \
    -- --skip a_released_token_copy_is_zeroed
  echo "sanitize: the C API test under AddressSanitizer"
  cargo +nightly build --release --target "$host" --target-dir "$dir" -p paytoken --lib
  local lib=$dir/$host/release
  ln -sf libpaytoken.so "$lib/libpaytoken.so.0"
  local exe=$dir/api_test
  # gcc's ASan runtime serves the instrumented library too (same runtime interface).
  ${CC:-cc} -std=c99 -g -O1 -fsanitize=address -fno-omit-frame-pointer -D_POSIX_C_SOURCE=200809L \
    -Iinclude -o "$exe" tests/c/api_test.c -L"$lib" -lpaytoken -lpthread -Wl,-rpath,"$PWD/$lib"
  PAYTOKEN_SIM=$sim scripts/with-sim.sh "$exe"
}

thread() {
  local dir=target/sanitize-thread
  export RUSTFLAGS="-Zsanitizer=thread"
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/scripts/tsan-suppressions.txt"
  echo "sanitize: cache concurrency tests (tests/token_cache.rs) under ThreadSanitizer"
  cargo +nightly test -Zbuild-std --release --target "$host" --target-dir "$dir" -p paytoken \
    --test token_cache
}

for kind in "${kinds[@]}"; do
  start=$SECONDS
  "$kind"
  echo "sanitize: $kind passed in $((SECONDS - start)) s"
done
