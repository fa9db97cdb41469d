#!/usr/bin/env bash
# An older distribution: Debian 11 (glibc 2.31), in the cached root of
# tests/platforms/debian11.sh. tests/c/api_test.c, built for glibc 2.17 with zig cc (a
# program built by the host's gcc would itself need the host's glibc), runs there against
# the x86_64 gnu tarball's library and passes; the same program with the host development
# build (target/release) fails to load there for want of a newer glibc. The manylinux2014
# wheel's smoke test (tests/packaging/python_smoke.py) runs there too.
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

# The manylinux2014 wheel (dist/python, `make dist-bindings`), unpacked onto PYTHONPATH as
# Debian 11's own python3 (3.9) would see it installed, runs the wheel's smoke test there.
wheel=$(ls "$root"/dist/python/paytoken-*-manylinux2014_x86_64.whl 2>/dev/null | head -n 1)
check "the manylinux2014_x86_64 wheel exists (make dist-bindings)" test -n "$wheel"
mkdir -p "$work/wheel"
check "the wheel unpacks" python3 -m zipfile -e "$wheel" "$work/wheel"
cp "$root/tests/packaging/python_smoke.py" "$work/"
check "the wheel's smoke test passes on Debian 11 (python3 $("$deb11" run python3 -c 'import platform; print(platform.python_version())'))" \
  "$root/scripts/with-sim.sh" bash -c '"$0" run --bind "$1" env PAYTOKEN_SIM_URL="$PAYTOKEN_SIM_URL" PYTHONPATH="$1/wheel" python3 "$1/python_smoke.py"' "$deb11" "$work"

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
