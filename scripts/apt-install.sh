#!/usr/bin/env bash
# apt-get install the given packages, running `apt-get update` once per machine first.
# Shared by every binding's `make deps`; safe to call concurrently (apt's own lock serialises).
set -euo pipefail
[ $# -gt 0 ] || exit 0
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
stamp=/tmp/.paytoken-apt-updated
if [ ! -e "$stamp" ]; then
  $SUDO apt-get update -qq && touch "$stamp"
fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
