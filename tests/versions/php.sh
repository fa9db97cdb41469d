#!/usr/bin/env bash
# PHP 7.4, the oldest PHP the package promises (the first with FFI and preloading), for real:
# Debian 11's php7.4-cli and php7.4-fpm in the Debian 11 root run the package's own
# `make test` (the API suite in cdef and in scope mode, then PHP-FPM with preload, CLI
# setups, composer.json) with Debian 11's PHPUnit 9.5, then Composer installs the release
# archive into a fresh project. PHP 8.2 is `make test-php` itself.
#
# Inside the root (glibc 2.31) the host build of libpaytoken.so (newer glibc) cannot load:
# the suite uses the released x86_64 glibc build (glibc 2.17; scripts/dist/build-native.sh,
# a no-op when up to date).
set -euo pipefail
LANG_NAME=php; . "$(dirname "$0")/lib.sh"

forget oldest
debian=$("$VERSIONS/debian11-packages.sh")
"$ROOT/scripts/dist/build-native.sh" linux-x86_64-gnu >/dev/null
# shellcheck source=scripts/dist/platforms.sh
. "$ROOT/scripts/dist/platforms.sh"
lib=$ROOT/dist/native/linux-x86_64-gnu/libpaytoken.so.$(paytoken_version "$ROOT")
[ -f "$lib" ] || fail "$lib was not built"

# The checkout's target/release, as the suite sees it inside the root: the glibc 2.17
# library in place of the host build (the suite and its PHP-FPM masters find it where they
# find it on the host), and the host's simulator, started through the host's own dynamic
# loader and libraries copied beside it. Readable by `nobody` (the unprivileged FPM test).
chmod 755 "$work"
mkdir -p "$work/release" "$work/host"
cp "$lib" "$work/release/libpaytoken.so"
cp "$PAYTOKEN_SIM" "$work/host/paytoken-sim"
for so in $(ldd "$PAYTOKEN_SIM" | awk '$3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
  cp -L "$so" "$work/host/"
done
loader=$(basename "$(ldd "$PAYTOKEN_SIM" | awk '$1 ~ /^\// { print $1 }')")
cat >"$work/release/paytoken-sim" <<SIM
#!/bin/sh
exec "$work/host/$loader" --library-path "$work/host" "$work/host/paytoken-sim" "\$@"
SIM
chmod +x "$work/release/paytoken-sim"

version=$(chroot "$debian" php7.4 -r 'echo PHP_VERSION;')
say "PHP $version (Debian 11) with the glibc 2.17 build of libpaytoken"
# The mount lives in debian11.sh's private mount namespace and vanishes with the suite.
"$ROOT/tests/platforms/debian11.sh" run --bind "$ROOT" --bind "$work" sh -c '
  mount --bind "$1" "$2/target/release" && exec make --no-print-directory -C "$2/bindings/php" test \
    PHP=php7.4 PHPUNIT=/usr/bin/phpunit PAYTOKEN_SIM="$2/target/release/paytoken-sim" VERSIONS_SLOT=
' php74 "$work/release" "$ROOT"

# Composer from a release archive, under PHP 7.4 and Debian 11's Composer: an archive made
# by packaging/make-archive.sh (this platform's library only; the four-platform archive is
# tests/packaging's) required into a fresh project, and a user's program run with it.
say "Composer $(chroot "$debian" composer --version 2>/dev/null | awk '/^Composer/ {print $2}'): the release archive in a fresh project"
mkdir -p "$work/native/linux-x86_64-gnu" "$work/app"
cp "$lib" "$work/native/linux-x86_64-gnu/"
"$ROOT/bindings/php/packaging/make-archive.sh" "$work/native" "$work/repo" linux-x86_64-gnu >/dev/null
echo '{"repositories":[{"type":"artifact","url":"../repo"},{"packagist.org":false}]}' >"$work/app/composer.json"
cp "$ROOT/tests/packaging/apps/app.php" "$work/app/"
out=$("$ROOT/scripts/with-sim.sh" "$ROOT/tests/platforms/debian11.sh" run --bind "$work" sh -c '
  cd "$1" && COMPOSER_ALLOW_SUPERUSER=1 composer require --no-interaction --no-progress --quiet paytoken/paytoken &&
  php7.4 app.php' composer "$work/app")
echo "$out" | sed 's/^/  /'
grep -qx "library: $work/app/vendor/paytoken/paytoken/lib/linux-x86_64-gnu/libpaytoken.so" <<<"$out" ||
  fail "the program did not load the package's own library"
grep -q '^token: [0-9]* chars$' <<<"$out" && grep -Eq '^request: HTTP (200|404)$' <<<"$out" &&
  grep -q '^error: ' <<<"$out" || fail "the program's token, request and error lines are missing"
record oldest "$version" "Debian 11 root (chroot)"
