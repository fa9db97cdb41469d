#!/usr/bin/env bash
# Every platform suite, after installing what they need. Each suite prints its own
# "N passed, N failed" line; all run even when one fails, and any failure fails the run.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/deps.sh" || exit 1
suites=(elf c-tarball musl aarch64 old-glibc)
failed=()
for s in "${suites[@]}"; do
  echo "== platforms: $s"
  "$here/$s.sh" || failed+=("$s")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "platforms: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "platforms: all ${#suites[@]} suites passed"
