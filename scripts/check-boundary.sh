#!/usr/bin/env bash
# The C boundary and the unsafe audit, checked (issue 20):
#   - `#[no_mangle]` and the C API's types (the names include/paytoken.h declares, and
#     Rust's C string types) appear only in src/ffi/;
#   - `unsafe` appears only in src/ffi/ (the C API) and src/sys/ (system calls, the
#     allocator), plus the exceptions listed below with their reasons;
#   - `extern "C"` appears only in src/ffi/ and src/sys/ (the pthread_atfork hooks).
# Comments are ignored (text after `//`). The compiler enforces the `unsafe` rule too
# (`#![deny(unsafe_code)]` in src/lib.rs, allowed on ffi/, sys/ and the exception below;
# `#![forbid(unsafe_code)]` in the command); this script also covers C type names.
#
#   scripts/check-boundary.sh [SRC]     check SRC (default: src); lists each violation
#   scripts/check-boundary.sh --self-test   proves each rule fails on a planted violation
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

# `unsafe` outside src/ffi and src/sys, each with its reason (file, then a fixed string
# on the line).
UNSAFE_ALLOWED=(
  # The redaction scope keeps the call's `&Client` as a raw pointer for the call's
  # duration (a lifetime a thread-local cannot name); not a system call.
  "secrets/redact.rs|s.client.as_ref()"
)

c_types() {
  # typedef enum/struct NAME, and callback typedefs (*NAME)
  grep -oE 'typedef (enum|struct) paytoken_[a-z_]+|\(\*paytoken_[a-z_]+\)' "$root/include/paytoken.h" |
    grep -oE 'paytoken_[a-z_]+' | sort -u
}

# file:line:code for every .rs file under $1 except ffi/, comments stripped.
code_lines() {
  local src=$1
  find "$src" -name '*.rs' -not -path "$src/ffi/*" -print0 | sort -z |
    xargs -0 awk -v n=$((${#src} + 2)) \
      '{ sub(/\/\/.*/, ""); if ($0 ~ /[^[:space:]]/) print substr(FILENAME, n) ":" FNR ":" $0 }'
}

check() {
  local src=$1 lines types bad=0 hits
  lines=$(code_lines "$src")
  types=$(c_types | paste -sd'|')
  # lib.rs re-exports the C API from ffi/ (`pub use ffi::...` and its continuation lines).
  hits=$(grep -E "#\[no_mangle\]|\b($types)\b|\b(CStr|CString|c_char|c_void)\b|std::os::raw" <<<"$lines" |
    grep -vE '^lib\.rs:[0-9]+:(pub use ffi::|[[:space:]]+[a-z_, ]+(\};)?$)' || true)
  if [ -n "$hits" ]; then
    echo "check-boundary: a C type or an exported function outside src/ffi:" >&2
    echo "$hits" >&2
    bad=1
  fi
  hits=$(grep -E 'extern "C"' <<<"$lines" | grep -vE '^sys/' || true)
  if [ -n "$hits" ]; then
    echo "check-boundary: extern \"C\" outside src/ffi and src/sys:" >&2
    echo "$hits" >&2
    bad=1
  fi
  hits=$(grep -E '\bunsafe\b' <<<"$lines" | grep -vE '^sys/' || true)
  local allowed file text
  for allowed in "${UNSAFE_ALLOWED[@]}"; do
    file=${allowed%%|*} text=${allowed#*|}
    hits=$(awk -v f="$file:" -v t="$text" 'NF && !(index($0, f) == 1 && index($0, t) > 0)' <<<"$hits")
  done
  if [ -n "$hits" ]; then
    echo "check-boundary: unsafe outside src/ffi and src/sys (move it to src/sys, or list it here with its reason):" >&2
    echo "$hits" >&2
    bad=1
  fi
  return $bad
}

if [ "${1:-}" = "--self-test" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  plant() { # NAME FILE LINE
    rm -rf "$tmp/src" && cp -r "$root/src" "$tmp/src"
    printf '%s\n' "$3" >>"$tmp/src/$2"
    if check "$tmp/src" 2>/dev/null; then
      echo "check-boundary --self-test: NOT caught: $1" >&2
      exit 1
    fi
    echo "caught: $1"
  }
  rm -rf "$tmp/src" && cp -r "$root/src" "$tmp/src"
  check "$tmp/src" || { echo "check-boundary --self-test: the tree itself fails" >&2; exit 1; }
  plant "unsafe in the core" cache/mod.rs 'fn _planted() { unsafe { libc::getpid() }; }'
  plant "unsafe in the command" bin/paytoken/main.rs 'fn _planted() { unsafe { libc::getpid() }; }'
  plant "an exported function in the core" call/mod.rs '#[no_mangle] pub fn planted() {}'
  plant "extern \"C\" in the core" runtime/mod.rs 'extern "C" fn planted() {}'
  plant "a C type in the core" config/mod.rs 'fn _planted(_: crate::ffi::error::paytoken_error) {}'
  plant "a C callback type in the core" gateway/mod.rs 'fn _planted(_: crate::paytoken_log_fn) {}'
  plant "a C string type in the core" error.rs 'fn _planted(_: &std::ffi::CStr) {}'
  plant "the allowed unsafe in another file" text.rs 'fn _p(s: &S) { let _ = unsafe { s.client.as_ref() }; }'
  echo "check-boundary --self-test: 8/8 planted violations caught"
  exit 0
fi

src=${1:-$root/src}
check "$src"
echo "check-boundary: no C type, export or unsafe outside src/ffi and src/sys (exceptions: ${#UNSAFE_ALLOWED[@]})"
