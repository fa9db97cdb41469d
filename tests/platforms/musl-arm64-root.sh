#!/usr/bin/env bash
# Print a directory holding musl's aarch64 loader (lib/ld-musl-aarch64.so.1), for running
# aarch64 musl programs under qemu-aarch64-static -L. It is unpacked from Debian's `musl`
# package for arm64, fetched with a private apt configuration (the host's mirror and
# keyring, arch arm64) so the host's apt setup is not changed. Cached in
# ~/.cache/paytoken/musl-arm64.
set -euo pipefail
# shellcheck source=tests/platforms/mirror.sh
. "$(dirname "$0")/mirror.sh"
dir=${PAYTOKEN_CACHE:-$HOME/.cache/paytoken}/musl-arm64
loader=$dir/root/lib/ld-musl-aarch64.so.1
if [ ! -e "$loader" ]; then
  mirror=$(host_mirror) codename=$(host_codename)
  [ -n "$mirror" ] || { echo "musl-arm64: no Debian mirror found in /etc/apt/sources*" >&2; exit 1; }
  rm -rf "$dir"
  mkdir -p "$dir/lists/partial" "$dir/cache" "$dir/parts" "$dir/deb"
  echo "deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $codename main" >"$dir/sources.list"
  : >"$dir/status"
  apt_opts=(-o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts="$dir/parts"
    -o Dir::State::Lists="$dir/lists" -o Dir::State::status="$dir/status" -o Dir::Cache="$dir/cache"
    -o APT::Architecture=arm64 -o APT::Architectures::=arm64 -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
  apt-get "${apt_opts[@]}" -qq update >&2
  (cd "$dir/deb" && apt-get "${apt_opts[@]}" -qq download musl:arm64 >&2)
  dpkg-deb -x "$dir"/deb/musl_*_arm64.deb "$dir/root"
  rm -rf "$dir/lists" "$dir/cache"     # the index is large; only the unpacked root is kept
  [ -e "$loader" ] || { echo "musl-arm64: $loader not in Debian's musl package" >&2; exit 1; }
fi
echo "$dir/root"
