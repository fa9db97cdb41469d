#!/usr/bin/env bash
# aarch64 (Graviton): tests/c/api_test.c against the aarch64 tarballs under
# qemu-aarch64-static, against the host's simulator (qemu-user shares loopback).
#  - glibc: cross-compiled with aarch64-linux-gnu-gcc; Debian's arm64 cross sysroot
#    (/usr/aarch64-linux-gnu) supplies the loader and libc.
#  - musl: compiled with zig cc (the dist tool venv); the loader comes from Debian's arm64
#    musl package (tests/platforms/musl-arm64-root.sh).
. "$(dirname "$0")/lib.sh"
need qemu-aarch64-static aarch64-linux-gnu-gcc
sysroot=/usr/aarch64-linux-gnu
[ -e "$sysroot/lib/ld-linux-aarch64.so.1" ] || { echo "$suite: $sysroot has no loader (install libc6-dev-arm64-cross)" >&2; exit 1; }
cflags=(-std=c99 -O1 -Wall -Wextra -D_POSIX_C_SOURCE=200809L)
sim() { "$root/scripts/with-sim.sh" "$@"; }

# glibc
gnu=$work/gnu
check "aarch64 gnu tarball unpacks" unpack_c linux-aarch64-gnu "$gnu"
check "api_test cross-compiles with aarch64-linux-gnu-gcc" aarch64-linux-gnu-gcc "${cflags[@]}" -Werror \
  -I"$gnu/include" -o "$work/api_test_gnu" "$root/tests/c/api_test.c" -L"$gnu/lib" -lpaytoken -lpthread \
  -Wl,-rpath,"$gnu/lib"
check "api_test (gnu) is an aarch64 program" grep -q 'AArch64' < <(readelf -h "$work/api_test_gnu")
check "api_test passes on aarch64 glibc under qemu" sim qemu-aarch64-static -L "$sysroot" "$work/api_test_gnu"

# musl
toolbin=$("$root/scripts/dist/tools.sh")
musl_root=$("$(dirname "$0")/musl-arm64-root.sh")
musl=$work/musl
check "aarch64 musl tarball unpacks" unpack_c linux-aarch64-musl "$musl"
check "api_test compiles with zig cc for aarch64-linux-musl" "$toolbin/python" -m ziglang cc -target aarch64-linux-musl \
  "${cflags[@]}" -I"$musl/include" -o "$work/api_test_musl" "$root/tests/c/api_test.c" -L"$musl/lib" -lpaytoken \
  -Wl,-rpath,"$musl/lib"
check "api_test (musl) asks for musl's aarch64 loader" grep -q 'ld-musl-aarch64.so.1' < <(readelf -l "$work/api_test_musl")
check "api_test passes on aarch64 musl under qemu" sim qemu-aarch64-static -L "$musl_root" "$work/api_test_musl"
summary
