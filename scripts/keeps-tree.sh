#!/usr/bin/env bash
# Runs a command and fails if it changed the content of a tracked file: a test run must
# not rewrite the checkout. Content, not `git diff`: a commit made meanwhile (or changes
# already in the working tree) are not the command's doing.
#   scripts/keeps-tree.sh make check-suites
set -uo pipefail
cd "$(dirname "$0")/.."
snapshot() { git ls-files -z | xargs -0 sha256sum 2>/dev/null; }
before=$(mktemp) && trap 'rm -f "$before"' EXIT
snapshot >"$before"
"$@"
rc=$?
[ "$rc" = 0 ] || exit "$rc"
if ! changed=$(snapshot | diff "$before" - ); then
  echo "keeps-tree: '$*' changed tracked files:" >&2
  grep '^>' <<<"$changed" | awk '{print "  " $3}' >&2
  exit 1
fi
