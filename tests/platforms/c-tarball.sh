#!/usr/bin/env bash
# The host platform's C tarball installed in a prefix outside the checkout, and a program
# built with `pkg-config --cflags --libs paytoken` by a shell with no cargo on PATH, run
# against the simulator. Also `make install DESTDIR=... PREFIX=...` from the source build.
. "$(dirname "$0")/lib.sh"
need cc pkg-config

case $(uname -m) in
  x86_64) platform=linux-x86_64-gnu ;;
  aarch64) platform=linux-aarch64-gnu ;;
  *) echo "$suite: no released platform for $(uname -m)" >&2; exit 1 ;;
esac
prefix=$work/prefix
check "tarball unpacks into $prefix" unpack_c "$platform" "$prefix"
check "lib/libpaytoken.so.0 -> libpaytoken.so.$version" test "$(readlink "$prefix/lib/libpaytoken.so.0")" = "libpaytoken.so.$version"
check "lib/libpaytoken.so -> libpaytoken.so.0" test "$(readlink "$prefix/lib/libpaytoken.so")" = libpaytoken.so.0
check "both headers and a README" test -f "$prefix/include/paytoken.h" -a -f "$prefix/include/paytoken_ffi.h" -a -f "$prefix/README.md"
check "bin/paytoken, the command" test -x "$prefix/bin/paytoken"

# A user's shell: system tools only, so neither cargo nor rustc can be reached.
user_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
check "no cargo on the user's PATH" bash -c "! PATH=$user_path command -v cargo"
build() { # build consumer.c with the pkg-config flags of the prefix $1 into $2
  env -i PATH=$user_path PKG_CONFIG_PATH="$1/lib/pkgconfig" HOME="$work" bash -c '
    set -e
    flags=$(pkg-config --cflags --libs paytoken)
    case $flags in *'"$1"'*) ;; *) echo "pkg-config flags do not point into the prefix: $flags" >&2; exit 1 ;; esac
    cc -std=c99 -Wall -Wextra -Werror -DPAYTOKEN_TEST_VERSION="\"'"$version"'\"" '"$root"'/tests/platforms/consumer.c \
      $flags -Wl,-rpath,'"$1"'/lib -o '"$2"
}
check "pkg-config reports version $version" test "$(PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --modversion paytoken)" = "$version"
check "consumer builds with pkg-config --cflags --libs paytoken" build "$prefix" "$work/consumer"
check "consumer loads the prefix's library" grep -q "$prefix/lib/libpaytoken.so.0" < <(ldd "$work/consumer")
run() { env -i PATH=$user_path PAYTOKEN_SIM_URL="$PAYTOKEN_SIM_URL" "$1"; }
check "consumer: token, request, error against the simulator" "$root/scripts/with-sim.sh" bash -c "$(declare -f run); run $work/consumer"
# The tarball's command: a token from the simulator, with no host cache and no cargo.
cli() { env -i PATH=$user_path PAYTOKEN_GATEWAY=portone-v1 PAYTOKEN_IMP_KEY=sim_imp_key \
  PAYTOKEN_IMP_SECRET=sim_imp_secret PAYTOKEN_BASE_URL="$PAYTOKEN_SIM_URL" "$1" --no-host-cache token | grep -qE '^.{16,}$'; }
check "bin/paytoken token against the simulator" "$root/scripts/with-sim.sh" bash -c "$(declare -f cli); cli $prefix/bin/paytoken"

# make install from the source build, into a staged root (DESTDIR) for prefix /opt/paytoken-test.
stage=$work/stage
check "make install DESTDIR=... PREFIX=/opt/paytoken-test" \
  make --no-print-directory -s -C "$root" install DESTDIR="$stage" PREFIX=/opt/paytoken-test
check "make install: the .so.0 and .so links" test -L "$stage/opt/paytoken-test/lib/libpaytoken.so.0" -a -L "$stage/opt/paytoken-test/lib/libpaytoken.so"
check "make install: bin/paytoken" test -x "$stage/opt/paytoken-test/bin/paytoken"
check "make install: paytoken.pc names the real prefix" grep -qx 'prefix=/opt/paytoken-test' "$stage/opt/paytoken-test/lib/pkgconfig/paytoken.pc"
# Without DESTDIR the prefix is where the files go: install straight into a temporary prefix.
check "make install PREFIX=<tmp>" make --no-print-directory -s -C "$root" install PREFIX="$work/direct"
check "consumer builds and runs against make install's prefix" build "$work/direct" "$work/consumer2"
check "consumer (make install): token, request, error" "$root/scripts/with-sim.sh" bash -c "$(declare -f run); run $work/consumer2"
summary
