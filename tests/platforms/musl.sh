#!/usr/bin/env bash
# musl (Alpine's libc): tests/c/api_test.c built with musl-gcc against the x86_64 musl
# tarball and run natively by musl's own loader, against the simulator.
. "$(dirname "$0")/lib.sh"
need musl-gcc
[ "$(uname -m)" = x86_64 ] || { echo "$suite: runs the x86_64 musl build; this machine is $(uname -m)" >&2; exit 1; }

prefix=$work/prefix
check "x86_64 musl tarball unpacks" unpack_c linux-x86_64-musl "$prefix"
check "the library asks for musl's loader, not glibc" \
  bash -c "readelf -d '$prefix/lib/libpaytoken.so.$version' | grep NEEDED | grep -q 'libc.so' && ! readelf -d '$prefix/lib/libpaytoken.so.$version' | grep -q 'libc.so.6'"
check "api_test builds with musl-gcc" musl-gcc -std=c99 -O1 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L \
  -I"$prefix/include" -o "$work/api_test" "$root/tests/c/api_test.c" \
  -L"$prefix/lib" -lpaytoken -Wl,-rpath,"$prefix/lib"
check "api_test's interpreter is musl's" grep -q 'ld-musl-x86_64' < <(readelf -l "$work/api_test")
check "api_test passes on musl against the simulator" "$root/scripts/with-sim.sh" "$work/api_test"
summary
