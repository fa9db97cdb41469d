#!/usr/bin/env bash
# make bench: every benchmark against simulators on loopback, in one run, then one table,
# BENCHMARKS.md and bench/chart.png (BENCHMARKS.md says what is measured and how).
#
#   BENCH_RUNS=9 (default)   runs per figure; the table shows their median and spread
#   BENCH_ONLY="c python"    only these parts (c python php node java rust cli); the report
#                            then lists the others as not run
#   BENCH_FORCE_LOAD=1       development only: run and write BENCHMARKS.md on a busy machine;
#                            the file then says UNRELIABLE on top and on every figure
#
# The load gate: figures taken while other work runs are not paytoken's. The run refuses to
# start when the 1-minute load average is above BENCH_MAX_LOAD_START (default: half the
# cores, 1.0 on 2 cores), and bench/report.py refuses to write BENCHMARKS.md when it is
# above BENCH_MAX_LOAD_END at the end (default: the number of cores, 2.0 on 2 cores: the
# run's own processes are in that average; a quiet run ends near 1.2 on 2 cores). Its
# report then goes to bench/.out/BENCHMARKS.refused.md only. So does it when the bare
# references moved by more than BENCH_MAX_NOISE (1.5) from run to run: a noisy VM host,
# which the load average does not show.
#
# Installs what only the benchmarks need, on demand: a venv in bench/.venv (requests,
# matplotlib, and the paytoken wheel), php-curl, and each wrapper's own build.
# A part whose program fails is reported as FAILED and the script exits non-zero after
# writing the report of the others.
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
out=bench/.out
runs=${BENCH_RUNS:-9}
only=${BENCH_ONLY:-c python php node java rust cli}
sim=${PAYTOKEN_SIM:-$repo/target/release/paytoken-sim}
lib=target/release/libpaytoken.so
jar=bindings/java/target/paytoken-java-0.1.0.jar
mkdir -p "$out"
say() { printf '\n== %s\n' "$*" >&2; }
wanted() { [[ " $only " == *" $1 "* ]]; }
die() { echo "bench.sh: $*" >&2; exit 2; }

# ---------------------------------------------------------------- the load gate
# BENCH_LOADAVG_FILE stands in for /proc/loadavg in scripts/test-bench-load-gate.sh.
export BENCH_LOADAVG_FILE=${BENCH_LOADAVG_FILE:-/proc/loadavg}
export BENCH_MAX_LOAD_START=${BENCH_MAX_LOAD_START:-$(awk -v c="$(nproc)" 'BEGIN { print c / 2 }')}
export BENCH_MAX_LOAD_END=${BENCH_MAX_LOAD_END:-$(nproc)}
# The report prints it beside the load at the end, and judges both.
export BENCH_LOAD_START="$(cut -d" " -f1-3 "$BENCH_LOADAVG_FILE")"
if awk -v max="$BENCH_MAX_LOAD_START" '{ exit !($1 > max) }' "$BENCH_LOADAVG_FILE"; then
  if [ "${BENCH_FORCE_LOAD:-}" = 1 ]; then
    echo "bench.sh: UNRELIABLE RUN (BENCH_FORCE_LOAD=1): load average ${BENCH_LOAD_START%% *} is above" \
         "$BENCH_MAX_LOAD_START; BENCHMARKS.md will say so on every figure" >&2
  else
    die "refused: load average ${BENCH_LOAD_START%% *} is above $BENCH_MAX_LOAD_START (BENCH_MAX_LOAD_START) on" \
        "$(nproc) cores: other work would skew every figure. Wait for a quiet machine" \
        "(BENCH_FORCE_LOAD=1 runs anyway, for development: every figure is then marked unreliable)"
  fi
fi

[ -x "$sim" ] && [ -f "$lib" ] && [ -x target/release/paytoken ] || die "build first: make build"
# Emptied only once the run can go on: a run that stops at a gate (the load-gate test
# makes some) leaves the last run's results in place.
results=$out/results.jsonl
: >"$results"
started=$SECONDS

# ---------------------------------------------------------------- what the benches need
say "dependencies"
venv=bench/.venv
if [ ! -x $venv/bin/python ]; then
  python3 -m venv $venv || { rm -rf $venv; scripts/apt-install.sh python3-venv && python3 -m venv $venv; } || die "no venv"
fi
pip="$venv/bin/python -m pip --disable-pip-version-check -q"
$venv/bin/python -c 'import requests, matplotlib, aiohttp' 2>/dev/null || $pip install requests matplotlib aiohttp || die "pip install failed"
# The paytoken wheel, as users install it; again whenever the library was rebuilt.
if [ ! -e $venv/.paytoken ] || [ "$lib" -nt $venv/.paytoken ] || [ -n "$(find bindings/python/src -newer $venv/.paytoken -name '*.py')" ]; then
  $pip install --force-reinstall --no-deps ./bindings/python && touch $venv/.paytoken || die "paytoken wheel"
fi
if wanted php || wanted cli; then
  need=""
  command -v php >/dev/null || need="php-cli"
  php -m 2>/dev/null | grep -qx curl || need="$need php-curl"
  [ -z "$need" ] || scripts/apt-install.sh $need || die "apt-get install $need failed"
fi
if wanted node; then make -s -C bindings/node deps build >&2 || die "node wrapper build failed"; fi
if wanted java; then
  make -s -C bindings/java jar >&2 || die "java jar build failed"
  mkdir -p $out/java
  javac -d $out/java -cp "$jar:bindings/java/target/lib/*" bench/java/Bench.java bench/java/InFlight.java || die "javac failed"
fi
if wanted c; then
  gcc -O2 -Wall -Wextra -pthread -Iinclude bench/c/cached_token.c -Ltarget/release -lpaytoken \
      -Wl,-rpath,"$repo/target/release" -o $out/cached_token || die "cc failed"
fi
if wanted rust; then cargo bench -q --bench gateway --no-run || die "cargo bench build failed"; fi

# ---------------------------------------------------------------- simulators
# Each reads a FIFO we hold open: when this script ends, the FIFO closes and the
# simulator exits (--exit-on-stdin-eof), whatever way the script ended.
start_sim() {  # name, flags... -> sets url_<name>
  local name=$1; shift
  rm -f "$out/$name.hold"; mkfifo "$out/$name.hold"
  "$sim" --exit-on-stdin-eof --implicit-payments "$@" <"$out/$name.hold" >"$out/$name.url" 2>"$out/$name.log" &
  eval "exec {hold_$name}>\"$out/$name.hold\""
  for _ in $(seq 100); do [ -s "$out/$name.url" ] && break; sleep 0.1; done
  [ -s "$out/$name.url" ] || die "simulator $name did not start: $(cat "$out/$name.log")"
  printf -v "url_$name" '%s' "$(sed 's/.* on //' "$out/$name.url")"
}
say "simulators"
start_sim plain
start_sim tls --tls --cert-out "$repo/$out/sim.pem" --rtt-ms 10
# Its own for the short-lived processes: the bench reads its token-request counter.
wanted cli && start_sim cli --tls --cert-out "$repo/$out/sim-cli.pem" --rtt-ms 10
echo "plain: $url_plain   tls, 10 ms round trips: $url_tls" >&2
# Gateways answering in 200 ms and 1 s, for the calls-in-flight bursts (256 and 1000 at
# once: each side holds that many sockets, more than the usual 1024 descriptors allow).
start_sim slow --delay-ms 200
start_sim slower --delay-ms 1000
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
inflight_runs=$((runs < 5 ? runs : 5))

# ---------------------------------------------------------------- the benches
failed=()
part() {  # name, command...: its JSON lines go to the results
  local name=$1; shift
  wanted "$name" || return 0
  say "$name ($((SECONDS - started)) s so far)"
  "$@" >>"$results" || { echo "bench.sh: the $name bench FAILED" >&2; failed+=("$name"); }
}
part c      $out/cached_token "$url_plain" "$runs"
part python $venv/bin/python bench/python/bench.py "$url_plain" "$runs"
part php    php bench/php/bench.php "$url_plain" "$runs"
# 100 calls take seconds each way: at most 5 runs of the real-world pattern from PHP.
part php    php bench/php/realworld.php "$url_tls" "$repo/$out/sim.pem" $((runs < 5 ? runs : 5))
part node   node bench/node/bench.js "$url_plain" "$runs"
# -Dpaytoken.lib: the wrapper and the bench's bare reference load the same library.
part java   java -Dpaytoken.lib="$repo/$lib" -cp "$out/java:$jar:bindings/java/target/lib/*" Bench "$url_plain" "$runs"
# Calls in flight (issue 17): paytoken's async APIs against each language's async client.
part node   node bench/node/in_flight.js "$url_slow" "$url_slower" "$inflight_runs"
part python $venv/bin/python bench/python/in_flight.py "$url_slow" "$url_slower" "$inflight_runs"
part java   java -cp "$out/java:$jar:bindings/java/target/lib/*" InFlight "$url_slow" "$url_slower" "$inflight_runs"
part rust   env BENCH_RUNS="$runs" PAYTOKEN_SIM_URL="$url_plain" PAYTOKEN_TLS_SIM_URL="$url_tls" \
            PAYTOKEN_TLS_SIM_CA="$repo/$out/sim.pem" cargo bench -q --bench gateway
# Whole processes (the paytoken command, then the PHP CLI) at most 5 runs: each takes seconds.
part cli    $venv/bin/python bench/cli/bench.py "$repo/target/release/paytoken" "${url_cli:-}" \
            "$repo/$out/sim-cli.pem" $((runs < 5 ? runs : 5)) php

say "report ($((SECONDS - started)) s)"
$venv/bin/python bench/report.py "$results" "$repo" "${failed[@]}"
