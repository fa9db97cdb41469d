#!/usr/bin/env bash
# Each soak assertion, seen failing when its property is broken on purpose. The sabotage
# is done by the C driver (SOAK_SABOTAGE, see soak/driver.c) or fed to the checker — never
# by changing the library. Every short soak below must fail, and on each named check.
# All run at once (one simulator each, the C driver only, lighter load): about a minute.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${SABOTAGE_SECONDS:-45}
declare -A expect=(
  [drop-callback]="exactly-once callbacks"
  [double-callback]="exactly-once callbacks"
  [slow-call]="deadlines"
  [leak-response]="resources settle"
  [resend-nicepay]="no unsafe resend|processed exactly once"
  [token-in-log]="no secret or token leaked"
  [token-storm]="token requests bounded"
  [stale-token]="no rejected token reused"
)
out=$(mktemp -d /tmp/soak-sabotage-XXXXXX)
for kind in "${!expect[@]}"; do
  inflight=40 delay=250
  # Enough leaked answers to show in RSS whatever the machine's load: quick answers.
  [ "$kind" = leak-response ] && inflight=200 delay=5
  SOAK_TMP=$out SOAK_SABOTAGE=$kind SOAK_INFLIGHT=$inflight SOAK_THREADS=3 \
    python3 soak/run.py --seconds "$seconds" --langs c --delay-ms $delay >"$out/$kind" 2>&1 &
done
wait
pass=0; fail=0
for kind in "${!expect[@]}"; do
  check=${expect[$kind]}
  failed_all=yes
  IFS='|' read -ra wanted <<<"$check"
  for one in "${wanted[@]}"; do grep -q "^soak: FAIL $one " "$out/$kind" || failed_all=no; done
  if [ $failed_all = yes ] && grep -q "[1-9][0-9]* failed$" "$out/$kind"; then
    echo "sabotage: ok   $kind -> '${check//|/\' and \'}' failed, as it must"
    pass=$((pass + 1))
  else
    echo "sabotage: FAIL $kind did not fail '$check':"
    sed 's/^/    /' "$out/$kind"
    fail=$((fail + 1))
  fi
done
rm -rf "$out"
echo "sabotage: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
