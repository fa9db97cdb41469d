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
# The README's install steps exactly as written, in an empty folder (ext-ffi and ext-json
# are PHP's own: nothing comes from Packagist), with this archive's folder as /srv/packages.
steps=$(python3 - "$ROOT/bindings/php/README.md" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read().split("\n## Install\n", 1)[1]
print(re.search(r"```sh norun\n(.*?)```", text, re.S).group(1))
PY
)
grep -qF "$steps" "$ROOT/README.md" || fail "README.md's composer steps differ from the PHP README's"
[ -z "$(ls -A)" ] || fail "$work/app is not empty"
COMPOSER_HOME=$work/composer-home COMPOSER_CACHE_DIR=$work/composer-cache \
  bash -euo pipefail -c "${steps//\/srv\/packages/$work/repo}" >/dev/null 2>&1 || fail "the README's composer steps failed in an empty folder"
say "the README's composer steps work in an empty folder"
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
