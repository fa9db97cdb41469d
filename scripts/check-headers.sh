#!/usr/bin/env bash
# Fails unless the checked-in headers are exactly what (pinned) cbindgen generates from
# the Rust source now. The build (build.rs) writes a fresh generation into its OUT_DIR and
# fails on any cbindgen error; this script compares include/ with that fresh copy, then
# checks that include/ is committed. scripts/test-check-headers.sh proves it catches drift.
set -euo pipefail
cd "$(dirname "$0")/.."

# `cargo check` runs build.rs (the same run `cargo build --release` reuses) without linking.
messages=$(cargo check --release -p paytoken --message-format=json --quiet) || {
  echo "check-headers: the build (and with it the header generation) failed" >&2
  exit 1
}
out_dir=$(printf '%s\n' "$messages" | python3 -c '
import json, sys
for m in map(json.loads, sys.stdin):
    if m.get("reason") == "build-script-executed" and "#paytoken@" in m["package_id"]:
        print(m["out_dir"])')
[ -n "$out_dir" ] || { echo "check-headers: cargo reported no build-script run for paytoken" >&2; exit 1; }

status=0
for h in paytoken.h paytoken_ffi.h; do
  if [ ! -s "$out_dir/$h" ]; then
    echo "check-headers: no fresh $h was generated in $out_dir" >&2; status=1; continue
  fi
  if ! cmp -s "$out_dir/$h" "include/$h"; then
    echo "check-headers: include/$h differs from a fresh generation:" >&2
    diff -u "include/$h" "$out_dir/$h" >&2 || true
    status=1
  fi
  if ! git ls-files --error-unmatch "include/$h" >/dev/null 2>&1; then
    echo "check-headers: include/$h is not committed" >&2; status=1
  elif ! git diff --quiet HEAD -- "include/$h"; then
    echo "check-headers: include/$h has uncommitted changes; commit the regenerated header" >&2
    status=1
  fi
done
# The FFI header must have no preprocessor line at all (PHP FFI::cdef, cffi).
if grep -n '^[[:space:]]*#' include/paytoken_ffi.h; then
  echo "check-headers: include/paytoken_ffi.h has preprocessor lines" >&2
  status=1
fi
[ "$status" = 0 ] || exit 1
echo "check-headers: include/ matches a fresh generation from the source"
