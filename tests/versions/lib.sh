# Shared by the tests/versions suites: where results go, how a passed run is recorded.
# shellcheck shell=bash
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VERSIONS=$ROOT/tests/versions
CACHE=${PAYTOKEN_CACHE:-$HOME/.cache/paytoken}
export PAYTOKEN_SIM=${PAYTOKEN_SIM:-$ROOT/target/release/paytoken-sim}

say() { echo "versions($LANG_NAME): $*"; }
fail() { echo "versions($LANG_NAME): $*" >&2; exit 1; }

# forget SLOT / record SLOT VERSION PLATFORM: see record.sh. A slot is forgotten before its
# suite runs, so a failed or interrupted run leaves no claim behind.
forget() { "$VERSIONS/record.sh" --forget "$LANG_NAME" "$1"; }
record() { "$VERSIONS/record.sh" "$LANG_NAME" "$@"; }

# A scratch directory outside the checkout, removed when the suite ends.
work=$(mktemp -d "${TMPDIR:-/tmp}/paytoken-versions-$LANG_NAME.XXXXXX")
trap 'rm -rf "$work"' EXIT
