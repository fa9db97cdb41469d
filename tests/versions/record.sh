#!/usr/bin/env bash
# The ledger of what ran: target/versions/results.tsv, one line per (language, slot):
#   language <TAB> slot <TAB> version <TAB> platform
# A slot is one place in the matrix (oldest, current, newest); the suite that fills it
# replaces its line after it passed. tests/versions/table.py renders README's table from it.
#
#   record.sh LANG SLOT VERSION PLATFORM   the suite for SLOT passed on VERSION; a PLATFORM
#                                          starting with "host" gets the host's release
#   record.sh --forget LANG SLOT           drop the line before the suite runs again
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
results=${PAYTOKEN_VERSIONS_RESULTS:-$root/target/versions/results.tsv}
mkdir -p "$(dirname "$results")"
exec 9>>"$results.lock"
flock 9                                  # suites of several languages may finish at once
touch "$results"
forget=false
if [ "${1:-}" = --forget ]; then forget=true; shift; fi
lang=$1 slot=$2
if ! $forget; then
  [ -n "$3" ] || { echo "record.sh: no version for $lang $slot" >&2; exit 1; }
  platform=$4
  case $platform in host*) platform="$(. /etc/os-release && echo "${ID^} ${VERSION_ID:-}") $platform" ;; esac
fi
kept=$(awk -F'\t' -v l="$lang" -v s="$slot" '!($1 == l && $2 == s)' "$results")
{
  [ -z "$kept" ] || printf '%s\n' "$kept"
  $forget || printf '%s\t%s\t%s\t%s\n' "$lang" "$slot" "$3" "$platform"
} >"$results.tmp"
mv "$results.tmp" "$results"
