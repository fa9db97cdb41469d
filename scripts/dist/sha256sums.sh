#!/usr/bin/env bash
# Write dist/SHA256SUMS over every other file in dist/ (paths relative to dist/, sorted),
# so `cd dist && sha256sum -c SHA256SUMS` verifies a download. Run last by `make dist`.
set -euo pipefail
cd "$(dirname "$0")/../../dist"
rm -f SHA256SUMS
find . -type f ! -name '*.tmp' -printf '%P\0' | LC_ALL=C sort -z | xargs -0 -r sha256sum >SHA256SUMS.tmp
mv SHA256SUMS.tmp SHA256SUMS
echo "dist: SHA256SUMS over $(wc -l <SHA256SUMS) files"
