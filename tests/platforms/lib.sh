# Shared helpers of the platform suites: counters, a summary line, the tarball unpacker.
# shellcheck shell=bash
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=scripts/dist/platforms.sh
. "$root/scripts/dist/platforms.sh"
version=$(paytoken_version "$root")
suite=$(basename "$0" .sh)
passed=0 failed=0

ok() { passed=$((passed + 1)); echo "  ok   $*"; }
bad() { failed=$((failed + 1)); echo "  FAIL $*" >&2; }
# check "what" cmd...: one check, passed when the command succeeds.
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

# The last line of every suite. A suite that ran no check has failed: nothing was verified.
summary() {
  echo "$suite: $passed passed, $failed failed"
  [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}

# A fresh temporary directory outside the checkout, removed when the suite ends.
work=$(mktemp -d "${TMPDIR:-/tmp}/paytoken-$suite.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Unpack the C tarball of PLATFORM into DIR (a prefix: DIR/lib, DIR/include).
unpack_c() {
  local tarball=$root/dist/paytoken-$version-$1.tar.gz
  [ -f "$tarball" ] || { echo "$suite: $tarball missing (run: make dist-c)" >&2; return 1; }
  mkdir -p "$2"
  tar -xzf "$tarball" -C "$2" --strip-components=1
}

# Fail loudly when a tool the suite needs is missing: a platform test never skips.
need() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$suite: $tool not installed (tests/platforms/deps.sh installs it)" >&2; exit 1; }
  done
}
