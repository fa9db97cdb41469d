#!/usr/bin/env bash
# The Python package's pytest suite on the oldest Python it promises (3.8) and the newest
# available (3.13; pyenv's builds, as on CI), each in its own venv outside the checkout with
# the wheel installed, as users install it. Python 3.11 (the host's) is `make test-python`.
# The wheel is built once from the host library (target/release), no cargo involved.
set -euo pipefail
LANG_NAME=python; . "$(dirname "$0")/lib.sh"
PYENV=${PYENV_ROOT:-$HOME/.pyenv}/versions
declare -A pythons=([oldest]=3.8 [newest]=3.13)

for slot in oldest newest; do forget "$slot"; done
(cd "$ROOT/bindings/python/_build" &&
  PAYTOKEN_PREBUILT_LIB="$ROOT/target/release/libpaytoken.so" python3 -c \
    'import sys, paytoken_build; paytoken_build.build_wheel(sys.argv[1])' "$work") >/dev/null
wheel=$(ls "$work"/paytoken-*.whl)

for slot in oldest newest; do
  minor=${pythons[$slot]}
  python=$(ls -d "$PYENV/$minor".*/bin/python 2>/dev/null | sort -V | tail -n1)
  [ -n "$python" ] || fail "no Python $minor in $PYENV (pyenv install $minor)"
  venv=$work/venv-$minor
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "$wheel" 'pytest>=7'
  version=$("$venv/bin/python" -c 'import platform; print(platform.python_version())')
  say "Python $version: pytest"
  # From bindings/python (its pytest settings), importing the installed wheel: the suite's
  # test_packaging checks that paytoken does not come from src/.
  (cd "$ROOT/bindings/python" && "$venv/bin/python" -m pytest -q -p no:cacheprovider)
  record "$slot" "$version" "host, pyenv build"
done
