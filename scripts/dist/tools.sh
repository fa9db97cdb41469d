#!/usr/bin/env bash
# Install the cross-build tools once and print the venv's bin directory:
# cargo-zigbuild and zig (PyPI's `ziglang`) in a venv under ~/.cache/paytoken/tools, and the
# rustup targets of the four released platforms (or only the rust triples named as arguments:
# a build of the host platform alone needs none). Idempotent; cheap when everything is there.
set -euo pipefail
tools=${PAYTOKEN_TOOLS:-$HOME/.cache/paytoken/tools}
venv=$tools/venv
# Pinned so a release is reproducible; bump deliberately.
zigbuild_version=0.24.1
zig_version=0.15.2

ready() {
  [ -x "$venv/bin/cargo-zigbuild" ] && "$venv/bin/python" -m ziglang version >/dev/null 2>&1
}
if ! ready; then
  mkdir -p "$tools"
  # Another make may be installing the same venv: serialise on a lock.
  exec 9>"$tools/.lock"
  flock 9
  if ! ready; then
    rm -rf "$venv"
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
      "cargo-zigbuild==$zigbuild_version" "ziglang==$zig_version" >&2
  fi
  flock -u 9
fi

installed=$(rustup target list --installed)
[ $# -gt 0 ] || set -- aarch64-unknown-linux-gnu x86_64-unknown-linux-musl aarch64-unknown-linux-musl
for target in "$@"; do
  grep -qx "$target" <<<"$installed" || rustup target add "$target" >&2
done
echo "$venv/bin"
