# Shared by the tests/packaging/*.sh scripts (sourced): where things are, and checks.
# run.sh has already exported ROOT, DIST, SCRATCH and PAYTOKEN_SIM_URL, and removed cargo
# from PATH.

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

fail() { echo "packaging($LANG_NAME): FAIL: $*" >&2; exit 1; }
say() { echo "packaging($LANG_NAME): $*"; }

# The library a package installed must be its own copy, not the checkout's build.
outside_checkout() {
  case "$(realpath "$1")" in "$ROOT"/*) fail "$1 is inside the checkout $ROOT" ;; esac
}

# The three checks every language's app prints, one per line: token, request, error.
expect_smoke_output() {
  local output=$1
  echo "$output" | sed "s/^/  /"
  grep -q '^token: [0-9]* chars$' <<<"$output" || fail "no token line"
  grep -Eq '^request: HTTP (200|404)$' <<<"$output" || fail "no authorized request"
  grep -q '^error: ' <<<"$output" || fail "the wrong-credentials error was not handled"
}

PLATFORMS=(linux-x86_64-gnu linux-aarch64-gnu linux-x86_64-musl linux-aarch64-musl)

# Each platform's slot in a package holds exactly that platform's released library.
# Usage: carries_native PLATFORM COMMAND...   (COMMAND prints the packaged library's bytes)
carries_native() {
  local platform=$1; shift
  "$@" | cmp -s - "$DIST/native/$platform/libpaytoken.so.0.1.0" ||
    fail "the $platform library in the package is not dist/native/$platform/libpaytoken.so.0.1.0"
}
