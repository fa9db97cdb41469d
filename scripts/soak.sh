#!/usr/bin/env bash
# make soak / make test-soak: soak/run.py against a fresh paytoken-sim, with the C driver
# (target/soak/driver), the Python package in bindings/python/.venv and the Node package.
#
#   SOAK_SECONDS=600 (make soak; make test-soak: 60)   length of the run
#   SOAK_FAULT_RATE=2                                    faults injected per second on average
#   SOAK_LANGS="c py node"                               which drivers run
#   scripts/soak.sh --report RELIABILITY.md              also write the report and its SVG
# Exits non-zero when an assertion fails; the run's files are then kept under /tmp/soak-*.
set -euo pipefail
cd "$(dirname "$0")/.."
for need in target/release/paytoken-sim target/release/libpaytoken.so target/soak/driver \
            bindings/python/.venv/bin/python bindings/node/node_modules; do
  [ -e "$need" ] || { echo "soak.sh: $need missing (run: make soak-deps)" >&2; exit 2; }
done
exec python3 soak/run.py --seconds "${SOAK_SECONDS:-600}" "$@"
