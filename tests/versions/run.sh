#!/usr/bin/env bash
# make test-versions: each binding's suites on the versions the host suites (make test-<lang>)
# do not run: the oldest each package promises and the newest to be had (see promised.tsv).
# All run even when one fails; any failure fails the run. Then README's version table must
# match what ran (tests/versions/table.py; `make versions-table` rewrites it).
#
# Usage: tests/versions/run.sh [php|python|node|java]...   (default: all four)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
langs=("$@"); [ ${#langs[@]} -gt 0 ] || langs=(php python node java)
passed=0 failed=()
for lang in "${langs[@]}"; do
  echo "== versions: $lang"
  start=$SECONDS
  if "$here/$lang.sh"; then
    passed=$((passed + 1))
    echo "versions($lang): passed in $((SECONDS - start)) s"
  else
    failed+=("$lang")
    echo "versions($lang): FAILED after $((SECONDS - start)) s" >&2
  fi
done
"$here/table.py" --check --partial || failed+=(table)
echo "versions: $passed passed, ${#failed[@]} failed${failed:+ (${failed[*]})}"
[ ${#failed[@]} -eq 0 ]
