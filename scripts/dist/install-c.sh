#!/usr/bin/env bash
# Lay out the C development files under DEST:
#   DEST/lib/libpaytoken.so.<version>, the links libpaytoken.so.0 (the SONAME, found at run
#   time) and libpaytoken.so (found by -lpaytoken), DEST/include/paytoken.h and
#   paytoken_ffi.h, DEST/lib/pkgconfig/paytoken.pc.
#   DEST/bin/paytoken, the command, when COMMAND is given.
# Usage: scripts/dist/install-c.sh LIBRARY DEST PC_PREFIX [COMMAND]
#   PC_PREFIX is the prefix written into paytoken.pc: the final install prefix for
#   `make install`, or '${pcfiledir}/../..' for a relocatable tarball.
set -euo pipefail
[ $# -eq 3 ] || [ $# -eq 4 ] || { echo "usage: $0 LIBRARY DEST PC_PREFIX [COMMAND]" >&2; exit 2; }
lib=$1 dest=$2 pc_prefix=$3 command=${4:-}
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/dist/platforms.sh
. "$root/scripts/dist/platforms.sh"
version=$(paytoken_version "$root")
[ -f "$lib" ] || { echo "install-c: $lib not built" >&2; exit 1; }

install -d "$dest/lib/pkgconfig" "$dest/include"
install -m 0755 "$lib" "$dest/lib/libpaytoken.so.$version"
ln -sfn "libpaytoken.so.$version" "$dest/lib/libpaytoken.so.0"
ln -sfn libpaytoken.so.0 "$dest/lib/libpaytoken.so"
install -m 0644 "$root/include/paytoken.h" "$root/include/paytoken_ffi.h" "$dest/include/"
if [ -n "$command" ]; then
  [ -f "$command" ] || { echo "install-c: $command not built" >&2; exit 1; }
  install -D -m 0755 "$command" "$dest/bin/paytoken"
fi
cat >"$dest/lib/pkgconfig/paytoken.pc" <<EOF
prefix=$pc_prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: paytoken
Description: Token cache and authorized requests for Korean payment gateways (C API)
Version: $version
Libs: -L\${libdir} -lpaytoken
Cflags: -I\${includedir}
EOF
chmod 0644 "$dest/lib/pkgconfig/paytoken.pc"
