#!/usr/bin/env bash
# An older distribution: Debian 11 (glibc 2.31), in the cached root of
# tests/platforms/debian11.sh. tests/c/api_test.c, built for glibc 2.17 with zig cc (a
# program built by the host's gcc would itself need the host's glibc), runs there against
# the x86_64 gnu tarball's library and passes; the same program with the host development
# build (target/release) fails to load there for want of a newer glibc.
. "$(dirname "$0")/lib.sh"
need unshare chroot
[ "$(uname -m)" = x86_64 ] || { echo "$suite: the Debian 11 root is x86_64; this machine is $(uname -m)" >&2; exit 1; }
deb11=$root/tests/platforms/debian11.sh
"$deb11" root >/dev/null
toolbin=$("$root/scripts/dist/tools.sh")

check "the root runs glibc 2.31" test "$("$deb11" run getconf GNU_LIBC_VERSION)" = "glibc 2.31"
check "x86_64 gnu tarball unpacks" unpack_c linux-x86_64-gnu "$work/dist"
check "api_test builds for glibc 2.17 (zig cc)" "$toolbin/python" -m ziglang cc -target x86_64-linux-gnu.2.17 \
  -std=c99 -O1 -Wall -Wextra -D_POSIX_C_SOURCE=200809L -I"$work/dist/include" -o "$work/api_test" \
  "$root/tests/c/api_test.c" -L"$work/dist/lib" -lpaytoken -lpthread
check "api_test passes on Debian 11 with the released library" "$root/scripts/with-sim.sh" \
  "$deb11" run --bind "$work" env LD_LIBRARY_PATH="$work/dist/lib" "$work/api_test"

# The host build, under its SONAME, in place of the released library.
mkdir -p "$work/host"
cp "$root/target/release/libpaytoken.so" "$work/host/libpaytoken.so.0"
set +e
out=$("$root/scripts/with-sim.sh" "$deb11" run --bind "$work" env LD_LIBRARY_PATH="$work/host" "$work/api_test" 2>&1)
rc=$?
set -e
echo "$out" | grep -m1 'GLIBC' | sed 's/^/  host build on Debian 11: /'
check "the host build fails to load on Debian 11 (exit $rc)" test "$rc" -ne 0
check "... because it needs a glibc newer than 2.31" grep -qE "version .GLIBC_2\.(3[2-9]|[4-9][0-9]). not found" <<<"$out"
summary
