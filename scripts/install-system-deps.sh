#!/usr/bin/env bash
# Install the system packages the C test suite needs when they are missing (CI starts from a
# fresh machine). Each binding's own `make deps` installs what its suite needs.
set -euo pipefail
need=()
command -v valgrind >/dev/null || need+=(valgrind)
command -v cc >/dev/null || need+=(gcc)
command -v c++ >/dev/null || need+=(g++)
if [ ${#need[@]} -gt 0 ]; then
  scripts/apt-install.sh "${need[@]}"
fi
