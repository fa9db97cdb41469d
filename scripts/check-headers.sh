#!/usr/bin/env bash
# Fails when the checked-in headers differ from what (pinned) cbindgen generates from the
# Rust source. build.rs regenerates include/ on every build, so after a build any drift
# shows up as a change in git.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p paytoken --quiet
if ! git diff --exit-code -- include/; then
  echo "check-headers: include/ is out of date with the Rust source; commit the regenerated headers" >&2
  exit 1
fi
for h in include/paytoken.h include/paytoken_ffi.h; do
  git ls-files --error-unmatch "$h" >/dev/null 2>&1 || { echo "check-headers: $h is not committed" >&2; exit 1; }
done
# The FFI header must have no preprocessor line at all (PHP FFI::cdef, cffi).
if grep -n '^[[:space:]]*#' include/paytoken_ffi.h; then
  echo "check-headers: include/paytoken_ffi.h has preprocessor lines" >&2
  exit 1
fi
echo "check-headers: include/ matches the source"
