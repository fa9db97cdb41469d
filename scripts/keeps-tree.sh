#!/usr/bin/env bash
# Runs a command and fails if it changed a tracked file (its own changes, not the ones
# already in the working tree): a test run must not rewrite the checkout.
#   scripts/keeps-tree.sh make check-suites
set -uo pipefail
cd "$(dirname "$0")/.."
snapshot() { git diff --no-ext-diff --binary HEAD 2>/dev/null | sha256sum; }
before=$(snapshot)
"$@"
rc=$?
[ "$rc" = 0 ] || exit "$rc"
if [ "$(snapshot)" != "$before" ]; then
  echo "keeps-tree: '$*' changed tracked files:" >&2
  git status --short --untracked-files=no >&2
  exit 1
fi
