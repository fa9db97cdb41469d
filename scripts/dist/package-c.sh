#!/usr/bin/env bash
# Pack the C artefact of each platform (all four by default) from dist/native:
#   dist/paytoken-<version>-<platform>.tar.gz, one top directory of the same name holding
#   README.md, lib/ (library, .so.0 and .so links, pkgconfig/paytoken.pc), include/ and
#   bin/paytoken (the command).
# The archive is reproducible: sorted names, owner 0, mtime of the last commit, gzip -n.
# Usage: scripts/dist/package-c.sh [PLATFORM...]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
# shellcheck source=scripts/dist/platforms.sh
. scripts/dist/platforms.sh
version=$(paytoken_version "$root")
[ $# -gt 0 ] || set -- $(awk '{print $1}' <<<"$PAYTOKEN_PLATFORMS")
mtime=$(git log -1 --format=%ct 2>/dev/null || echo 0)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

for platform in "$@"; do
  platform_line "$platform" >/dev/null
  name=paytoken-$version-$platform
  lib=dist/native/$platform/libpaytoken.so.$version
  [ -f "$lib" ] || { echo "package-c: $lib missing (run: make dist-native)" >&2; exit 1; }
  scripts/dist/install-c.sh "$lib" "$stage/$name" '${pcfiledir}/../..' "dist/native/$platform/paytoken"
  sed -e "s/@VERSION@/$version/g" -e "s/@PLATFORM@/$platform/g" -e "s/@NAME@/$name/g" \
    scripts/dist/README.c.in >"$stage/$name/README.md"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" \
    -C "$stage" -cf - "$name" | gzip -n -9 >"dist/$name.tar.gz.tmp"
  mv "dist/$name.tar.gz.tmp" "dist/$name.tar.gz"
  echo "dist-c: dist/$name.tar.gz ($(stat -c %s "dist/$name.tar.gz") bytes)"
done
