#!/usr/bin/env bash
# The Composer archive: `composer require` from a local artifact repository into a fresh
# project; a user's program works with the library and FFI header the package carries.
set -euo pipefail
LANG_NAME=php; . "$(dirname "$0")/lib.sh"
work=$SCRATCH/php; mkdir -p "$work/repo" "$work/app"
archive=$(ls "$DIST"/php/paytoken-paytoken-*.zip 2>/dev/null | head -1)
[ -n "$archive" ] || fail "no paytoken-paytoken-*.zip in $DIST/php"
listing=$(unzip -Z1 "$archive")
for file in lib/paytoken_ffi.h composer.json; do
  grep -qx "$file" <<<"$listing" || fail "$file missing from $archive"
done
for platform in "${PLATFORMS[@]}"; do
  carries_native "$platform" unzip -p "$archive" "lib/$platform/libpaytoken.so"
done
unzip -p "$archive" lib/paytoken_ffi.h | cmp -s - "$ROOT/include/paytoken_ffi.h" || fail "stale FFI header in $archive"
cp "$archive" "$work/repo/"

cd "$work/app"
# Only the artifact repository: nothing else is needed (ext-ffi and ext-json are PHP's own).
echo '{"repositories":[{"type":"artifact","url":"../repo"},{"packagist.org":false}]}' >composer.json
composer require --no-interaction --no-progress --quiet --no-audit paytoken/paytoken
cp "$HERE/apps/app.php" .
out=$(php app.php)
expect_smoke_output "$out"
loaded=$(sed -n 's/^library: //p' <<<"$out")
outside_checkout "$loaded"
case "$loaded" in "$work"/app/vendor/paytoken/paytoken/lib/linux-$(uname -m)-gnu/libpaytoken.so) ;;
  *) fail "loaded $loaded" ;; esac
say "loaded $loaded"

rm -r "vendor/paytoken/paytoken/lib/linux-$(uname -m)-gnu"
if err=$(php app.php 2>&1); then fail "ran without its platform's library"; fi
grep -q "carries libraries for: .*linux-aarch64-musl" <<<"$err" || fail "unclear error: $err"
say "a missing platform says which exist"
