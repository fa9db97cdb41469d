#!/usr/bin/env bash
# The wheels: pip picks this machine's from dist/python into a fresh venv; the smoke test runs
# there; auditwheel agrees with the glibc wheels' tags; the sdist, without Rust, says what to
# install.
set -euo pipefail
LANG_NAME=python; . "$(dirname "$0")/lib.sh"
work=$SCRATCH/python; mkdir -p "$work"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$ROOT/bindings/python/pyproject.toml")
declare -A tags=([linux-x86_64-gnu]=manylinux2014_x86_64 [linux-aarch64-gnu]=manylinux2014_aarch64
  [linux-x86_64-musl]=musllinux_1_2_x86_64 [linux-aarch64-musl]=musllinux_1_2_aarch64)
for platform in "${PLATFORMS[@]}"; do
  wheel="$DIST/python/paytoken-$version-py3-none-${tags[$platform]}.whl"
  [ -f "$wheel" ] || fail "no ${tags[$platform]} wheel in $DIST/python"
  carries_native "$platform" unzip -p "$wheel" paytoken/libpaytoken.so
done

python3 -m venv "$work/venv"
pip=("$work/venv/bin/python" -m pip --disable-pip-version-check -q)
# --no-index: only the wheels we built; pip chooses by platform tag, as from an index.
"${pip[@]}" install --no-index --find-links "$DIST/python" paytoken=="$version"
installed=$("$work/venv/bin/python" -c 'import paytoken; print(paytoken.library_path())')
outside_checkout "$installed"
arch=$(uname -m)
cmp -s "$installed" "$DIST/native/linux-$arch-gnu/libpaytoken.so.0.1.0" ||
  fail "pip installed $installed, not the linux-$arch-gnu library"
say "pip picked the manylinux2014_$arch wheel"
cp "$HERE/python_smoke.py" "$work/"
out=$(cd "$work" && PAYTOKEN_CHECKOUT=$ROOT "$work/venv/bin/python" -I python_smoke.py)
expect_smoke_output "$out"

# auditwheel (a tool venv, cached across runs) must read the glibc wheels as manylinux2014.
tools=${PAYTOKEN_CACHE:-$HOME/.cache/paytoken}/packaging/auditwheel
[ -x "$tools/bin/auditwheel" ] || { python3 -m venv "$tools" && "$tools/bin/pip" -q install 'auditwheel>=6'; }
for arch in x86_64 aarch64; do
  wheel="$DIST/python/paytoken-$version-py3-none-manylinux2014_$arch.whl"
  # (auditwheel wraps its lines: join them.)
  report=$("$tools/bin/auditwheel" show "$wheel" 2>&1 | tr -s '\n ' '  ') || fail "auditwheel show $wheel: $report"
  grep -q "consistent with the following platform tag: \"manylinux_2_17_$arch\"" <<<"$report" ||
    fail "auditwheel disagrees with manylinux2014_$arch: $report"
  say "auditwheel: manylinux2014_$arch wheel is manylinux_2_17_$arch"
done

# The sdist with no Rust: a clear message naming what to install, not a traceback.
if "${pip[@]}" install --no-index --no-binary :all: "$DIST/python/paytoken-$version.tar.gz" \
    >"$work/sdist.log" 2>&1; then
  fail "the sdist installed without cargo"
fi
grep -q "building from source needs Rust" "$work/sdist.log" || fail "sdist without Rust: $(cat "$work/sdist.log")"
say "sdist without cargo: says to install Rust"

# A copy of the package directory outside the checkout, given a prebuilt library: no cargo.
mkdir -p "$work/copy/src"
cp -r "$ROOT/bindings/python/pyproject.toml" "$ROOT/bindings/python/README.md" "$ROOT/bindings/python/_build" "$work/copy/"
cp -r "$ROOT/bindings/python/src/paytoken" "$work/copy/src/"
rm -f "$work/copy/src/paytoken/libpaytoken.so"
python3 -m venv "$work/copy-venv"
PAYTOKEN_PREBUILT_LIB="$DIST/native/linux-$(uname -m)-gnu/libpaytoken.so.0.1.0" \
  "$work/copy-venv/bin/python" -m pip --disable-pip-version-check -q install --no-index "$work/copy"
out=$(cd "$work" && "$work/copy-venv/bin/python" -I python_smoke.py)
expect_smoke_output "$out"
say "a copy of bindings/python installs with a prebuilt library"
