#!/usr/bin/env bash
# Makes sure a nightly Rust toolchain with rust-src is there (fuzzing and sanitizers need
# -Z flags; ThreadSanitizer rebuilds the standard library with -Zbuild-std).
set -euo pipefail
if ! rustc +nightly -V >/dev/null 2>&1; then
  rustup toolchain install nightly --profile minimal
fi
if ! rustup component list --toolchain nightly --installed 2>/dev/null | grep -q '^rust-src'; then
  rustup component add rust-src --toolchain nightly
fi
