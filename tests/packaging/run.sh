#!/usr/bin/env bash
# tests/packaging: each released package (dist/python, dist/node, dist/php, dist/java; made by
# `make dist-bindings`) installed the way its users install it, in a scratch directory outside
# the checkout, with no cargo on PATH, against one simulator.
#
# Usage: tests/packaging/run.sh [python|node|php|java]...   (default: all four)
# Environment: PAYTOKEN_DIST (default: dist/ of this checkout).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIST=${PAYTOKEN_DIST:-$ROOT/dist}
export ROOT DIST

# The checks read archives with unzip (not in a minimal Debian); the rest comes from each
# binding's `make deps` (python3-venv, npm, PHP with Composer, a JDK with Maven).
command -v unzip >/dev/null || "$ROOT/scripts/apt-install.sh" unzip

if [ -z "${PAYTOKEN_SIM_URL:-}" ]; then
  exec "$ROOT/scripts/with-sim.sh" "$0" "$@"
fi

# No Rust: drop every PATH entry that holds cargo (rustup's ~/.cargo/bin, /usr/local/cargo/bin...).
clean_path=""
IFS=: read -ra entries <<<"$PATH"
for dir in "${entries[@]}"; do
  [ -n "$dir" ] && [ ! -e "$dir/cargo" ] && clean_path=${clean_path:+$clean_path:}$dir
done
export PATH=$clean_path
unset CARGO RUSTC RUSTUP_TOOLCHAIN CARGO_HOME
if command -v cargo >/dev/null 2>&1; then
  echo "packaging: cargo is still on PATH ($(command -v cargo))" >&2; exit 1
fi
echo "packaging: no cargo on PATH"

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/paytoken-packaging.XXXXXX")
export SCRATCH
case "$SCRATCH" in "$ROOT"/*) echo "packaging: scratch $SCRATCH is inside the checkout" >&2; exit 1 ;; esac
trap 'rm -rf "$SCRATCH"' EXIT

langs=("$@"); [ ${#langs[@]} -gt 0 ] || langs=(python node php java)
for lang in "${langs[@]}"; do
  start=$SECONDS
  bash "$ROOT/tests/packaging/$lang.sh"
  echo "packaging($lang): passed in $((SECONDS - start)) s"
done
echo "packaging: ${langs[*]} passed"
