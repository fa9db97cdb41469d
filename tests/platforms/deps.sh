#!/usr/bin/env bash
# Install what the platform suites need when it is missing (CI starts from a fresh machine):
# pkg-config, musl-gcc, the aarch64 cross compiler and sysroot, qemu-user, debootstrap.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
need=()
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v musl-gcc >/dev/null || need+=(musl-tools)
command -v aarch64-linux-gnu-gcc >/dev/null || need+=(gcc-aarch64-linux-gnu)
[ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ] || need+=(libc6-dev-arm64-cross)
command -v qemu-aarch64-static >/dev/null || need+=(qemu-user-static)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v readelf >/dev/null || need+=(binutils)
if [ ${#need[@]} -gt 0 ]; then
  "$root/scripts/apt-install.sh" "${need[@]}"
fi
