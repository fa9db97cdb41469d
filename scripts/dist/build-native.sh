#!/usr/bin/env bash
# Build the released libpaytoken for each platform (all four by default):
#   dist/native/<platform>/libpaytoken.so.<version>
# with cargo-zigbuild + zig, linked against glibc 2.17 (gnu) or dynamically against musl.
# The host development build (target/release) is never touched: these builds use
# target/dist-native. Usage: scripts/dist/build-native.sh [PLATFORM...]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
# shellcheck source=scripts/dist/platforms.sh
. scripts/dist/platforms.sh
version=$(paytoken_version "$root")
[ $# -gt 0 ] || set -- $(awk '{print $1}' <<<"$PAYTOKEN_PLATFORMS")
# One build at a time (make -j: dist-native and test-versions' PHP 7.4 build both come here):
# two would race on the same files in dist/native.
mkdir -p target && exec 8>target/.dist-native.lock && flock 8
# Only the rustup targets of the platforms asked for.
toolbin=$(scripts/dist/tools.sh $(for p in "$@"; do platform_line "$p" | awk '{print $3}'; done))
export PATH="$toolbin:$PATH"

# Build unstripped: zig's linker drops the symbol table too when asked to strip debug info.
# objcopy --strip-debug below removes only the debug sections, keeping .symtab and the build id.
export CARGO_PROFILE_RELEASE_STRIP=none
export CARGO_TARGET_DIR="$root/target/dist-native"

# The host's objcopy reads only its own architecture: aarch64 needs binutils-aarch64-linux-gnu.
objcopy_for() {
  case $1 in
    "$(uname -m)"-*) echo objcopy ;;
    aarch64-*)
      command -v aarch64-linux-gnu-objcopy >/dev/null || scripts/apt-install.sh binutils-aarch64-linux-gnu
      echo aarch64-linux-gnu-objcopy
      ;;
    *) echo "dist-native: no objcopy for $1" >&2; return 1 ;;
  esac
}

for platform in "$@"; do
  read -r name zig_target triple < <(platform_line "$platform")
  flags="-C link-arg=-Wl,--build-id=sha1"
  # musl: link libc dynamically (a cdylib cannot carry a static libc into a foreign process).
  case $triple in *musl) flags="$flags -C target-feature=-crt-static" ;; esac
  var="CARGO_TARGET_$(tr 'a-z-' 'A-Z_' <<<"$triple")_RUSTFLAGS"
  # Wall time and CPU time: the machine may be shared, the CPU time says what a build costs.
  TIMEFORMAT="%R s wall, %U s user CPU"
  # Only the report of `time` is captured; cargo's own output goes to stderr (fd 3).
  took=$({ time env "$var=$flags" cargo zigbuild --quiet --release -p paytoken --lib --bin paytoken --target "$zig_target" \
    >&3 2>&3; } 3>&2 2>&1)
  built="$CARGO_TARGET_DIR/$triple/release/libpaytoken.so"
  out="dist/native/$name"
  mkdir -p "$out"
  "$(objcopy_for "$triple")" --strip-debug "$built" "$out/libpaytoken.so.$version.tmp"
  mv "$out/libpaytoken.so.$version.tmp" "$out/libpaytoken.so.$version"
  # The paytoken command, for the C tarball's bin/ (it carries the library statically).
  "$(objcopy_for "$triple")" --strip-debug "$CARGO_TARGET_DIR/$triple/release/paytoken" "$out/paytoken.tmp"
  mv "$out/paytoken.tmp" "$out/paytoken"
  echo "dist-native: $name built in $took ($(stat -c %s "$out/libpaytoken.so.$version") bytes)"
done
