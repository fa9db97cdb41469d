#!/usr/bin/env bash
# Proves that scripts/check-headers.sh cannot pass by accident: in a throw-away copy of
# the repository it must pass as is, and fail when cbindgen cannot generate the headers
# (a file rustc never compiles but cbindgen parses), when a committed header was edited by
# hand, and when a new C function's header was not committed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/paytoken-check-headers.XXXXXX")
trap 'rm -rf "$work"' EXIT
# The copy builds into the same target directory (as a different package path, so it
# reuses the compiled dependencies and touches none of the repository's own artefacts).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"

cd "$repo"
git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -xf - -C "$work"
cd "$work"
git init -q && git add -A
git -c user.name=check -c user.email=check@localhost commit -qm copy
commit() { git -c user.name=check -c user.email=check@localhost commit -qam "$1"; }

passed=0 failed=0
expect() { # expect pass|fail DESCRIPTION
  local want=$1 got=pass
  scripts/check-headers.sh >"$work.log" 2>&1 || got=fail
  if [ "$got" = "$want" ]; then
    passed=$((passed + 1)); echo "ok: $2 -> check-headers: $want (as it should)"
  else
    failed=$((failed + 1)); echo "FAILED: $2 -> check-headers should $want, did $got"; cat "$work.log"
  fi
  rm -f "$work.log"
}

expect pass "headers as committed"

echo '#[cfg(any())] mod broken_for_cbindgen;' >>src/lib.rs
echo 'fn (' >src/broken_for_cbindgen.rs
expect fail "cbindgen cannot parse the source (rustc can)"
git checkout -q -- src/lib.rs && rm src/broken_for_cbindgen.rs

echo '/* edited by hand */' >>include/paytoken.h
commit "hand edit"
expect fail "a committed header edited by hand"
git reset -q --hard HEAD~1

cat >>src/lib.rs <<'RUST'
/// A function added without committing the regenerated header.
#[no_mangle]
pub extern "C" fn paytoken_header_check_probe() {}
RUST
git add src/lib.rs && commit "new function"
expect fail "a new C function whose header was not committed"
git reset -q --hard HEAD~1

expect pass "headers as committed, after all that"
echo "test-check-headers: $passed passed, $failed failed"
[ "$failed" = 0 ]
