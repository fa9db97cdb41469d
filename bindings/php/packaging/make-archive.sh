#!/usr/bin/env bash
# The Composer package archive: the package's files, the FFI header and one libpaytoken.so
# per platform under lib/<platform>/ (Locator picks by architecture and libc at load time).
#
# Usage: packaging/make-archive.sh NATIVE_DIR OUT_DIR PLATFORM...
#   NATIVE_DIR/<platform>/libpaytoken.so.0.1.0 (dist/native, `make dist-native`) for each
#   PLATFORM; a missing one fails. OUT_DIR gets paytoken-paytoken-<version>.zip, usable from
#   a Composer "artifact" repository (composer.json gets its "version" here: an archive
#   outside a VCS has no other).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/../.." && pwd)
native=$1 out=$2; shift 2
[ $# -gt 0 ] || { echo "make-archive: name at least one platform" >&2; exit 2; }
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -1)

for platform in "$@"; do
  [ -f "$native/$platform/libpaytoken.so.0.1.0" ] || {
    echo "php archive: $native/$platform/libpaytoken.so.0.1.0 is missing (run make dist-native)" >&2; exit 1; }
done

stage="$here/build/archive/paytoken"
rm -rf "$stage" && mkdir -p "$stage/lib" "$out"
cp -r "$here/src" "$here/bin" "$here/autoload.php" "$here/preload.php" "$here/README.md" "$stage/"
cp "$root/include/paytoken_ffi.h" "$stage/lib/"
for platform in "$@"; do
  mkdir -p "$stage/lib/$platform"
  cp "$native/$platform/libpaytoken.so.0.1.0" "$stage/lib/$platform/libpaytoken.so"
done
"$here/packaging/composer-archive.sh" "$here/composer.json" "$version" "$stage" "$out" paytoken-paytoken
