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
toolbin=$(scripts/dist/tools.sh)
export PATH="$toolbin:$PATH"

[ $# -gt 0 ] || set -- $(awk '{print $1}' <<<"$PAYTOKEN_PLATFORMS")

# Build unstripped: zig's linker drops the symbol table too when asked to strip debug info.
# objcopy --strip-debug below removes only the debug sections, keeping .symtab and the build id.
export CARGO_PROFILE_RELEASE_STRIP=none
export CARGO_TARGET_DIR="$root/target/dist-native"

for platform in "$@"; do
  read -r name zig_target triple < <(platform_line "$platform")
  flags="-C link-arg=-Wl,--build-id=sha1"
  # musl: link libc dynamically (a cdylib cannot carry a static libc into a foreign process).
  case $triple in *musl) flags="$flags -C target-feature=-crt-static" ;; esac
  var="CARGO_TARGET_$(tr 'a-z-' 'A-Z_' <<<"$triple")_RUSTFLAGS"
  start=$(date +%s)
  env "$var=$flags" cargo zigbuild --quiet --release -p paytoken --lib --target "$zig_target"
  built="$CARGO_TARGET_DIR/$triple/release/libpaytoken.so"
  out="dist/native/$name"
  mkdir -p "$out"
  objcopy --strip-debug "$built" "$out/libpaytoken.so.$version.tmp"
  mv "$out/libpaytoken.so.$version.tmp" "$out/libpaytoken.so.$version"
  echo "dist-native: $name built in $(($(date +%s) - start))s ($(stat -c %s "$out/libpaytoken.so.$version") bytes)"
done
