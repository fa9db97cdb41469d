#!/usr/bin/env bash
# Run a command with a paytoken simulator on a free loopback port.
# The simulator's URL is exported as PAYTOKEN_SIM_URL; the simulator stops when the command ends.
# Usage: scripts/with-sim.sh [--sim-flags "..."] COMMAND [ARGS...]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
sim=${PAYTOKEN_SIM:-$here/target/release/paytoken-sim}
flags=""
if [ "${1:-}" = "--sim-flags" ]; then flags=$2; shift 2; fi
[ -x "$sim" ] || { echo "with-sim: $sim not built (run: make sim)" >&2; exit 2; }

fifo=$(mktemp -u); mkfifo "$fifo"
# shellcheck disable=SC2086
"$sim" --port 0 --implicit-payments $flags >"$fifo" &
sim_pid=$!
stop_sim() { kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; rm -f "$fifo"; }
trap stop_sim EXIT
# The first line the simulator prints is "paytoken-sim listening on http://127.0.0.1:PORT".
exec 3<"$fifo"
if ! read -r -t 20 line <&3; then echo "with-sim: simulator did not start" >&2; exit 2; fi
export PAYTOKEN_SIM_URL=${line##* }
# Keep draining the simulator's stdout so it never blocks on a full pipe.
cat <&3 >/dev/null &
rc=0
"$@" || rc=$?
exit $rc
