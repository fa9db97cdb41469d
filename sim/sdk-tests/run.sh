#!/usr/bin/env bash
# Drives the simulator with the gateways' own client libraries, installed from the
# package registries into ~/.cache/paytoken/sim-sdk (never into the repository):
#   - PortOne's official V2 server SDKs: npm @portone/server-sdk, PyPI portone-server-sdk
#   - a PortOne V1 client: PyPI iamport-rest-client
# Versions are pinned here so a new SDK release cannot silently change what passes;
# bump them deliberately. Needs node >= 20 (fetch), npm and python3 >= 3.9 with venv.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${PAYTOKEN_SIM_SDK_CACHE:-$HOME/.cache/paytoken/sim-sdk}
NODE_SDK=@portone/server-sdk@0.19.0
PY_PACKAGES=(portone-server-sdk==0.21.0 iamport-rest-client==0.9.0)
export PAYTOKEN_SIM=${PAYTOKEN_SIM:-$here/../../target/release/paytoken-sim}
[ -x "$PAYTOKEN_SIM" ] || { echo "sim-sdk: $PAYTOKEN_SIM not built (run: make sim)" >&2; exit 2; }

# ---- Node: installed once per pinned version (a stamp file records it).
node_dir=$cache/node
if [ "$(cat "$node_dir/.installed" 2>/dev/null)" != "$NODE_SDK" ]; then
  mkdir -p "$node_dir"
  echo '{"private":true}' >"$node_dir/package.json"
  npm install --prefix "$node_dir" --no-audit --no-fund --silent "$NODE_SDK"
  echo "$NODE_SDK" >"$node_dir/.installed"
fi
PAYTOKEN_SIM_SDK_NODE=$node_dir node --test "$here/node/"*.test.js

# ---- Python: a venv of its own, so nothing touches the system's packages.
py_dir=$cache/py
if [ "$(cat "$py_dir/.installed" 2>/dev/null)" != "${PY_PACKAGES[*]}" ]; then
  rm -rf "$py_dir"
  # Debian splits venv out of python3: install it on a fresh machine.
  python3 -m venv "$py_dir/venv" || { rm -rf "$py_dir/venv" \
    && "$here/../../scripts/apt-install.sh" python3-venv && python3 -m venv "$py_dir/venv"; }
  "$py_dir/venv/bin/pip" install --quiet --disable-pip-version-check "${PY_PACKAGES[@]}"
  echo "${PY_PACKAGES[*]}" >"$py_dir/.installed"
fi
# -v lists every test; unittest exits non-zero when any fails or none ran.
"$py_dir/venv/bin/python" -m unittest discover -v -s "$here/python" -t "$here/python"
