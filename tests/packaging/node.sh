#!/usr/bin/env bash
# The npm tarball: `npm install` into a fresh project picks this platform's library; a user's
# program works; a platform the package lacks gets an error listing the platforms it has.
set -euo pipefail
LANG_NAME=node; . "$(dirname "$0")/lib.sh"
work=$SCRATCH/node; mkdir -p "$work/app"
tarball=$(ls "$DIST"/node/paytoken-*.tgz 2>/dev/null | head -1)
[ -n "$tarball" ] || fail "no paytoken-*.tgz in $DIST/node"
listing=$(tar tzf "$tarball")
for platform in "${PLATFORMS[@]}"; do
  grep -qx "package/native/$platform/libpaytoken.so" <<<"$listing" || fail "$platform missing from $tarball"
  carries_native "$platform" tar xzOf "$tarball" "package/native/$platform/libpaytoken.so"
done
! grep -q "^package/lib/libpaytoken.so$" <<<"$listing" || fail "the development copy is in $tarball"

cd "$work/app"
echo '{"name":"packaging-app","private":true}' >package.json
# Self-contained: koffi and its binaries are bundled, so the install works offline on a
# clean cache (no registry for the package's own dependencies), as in a shop's build.
grep -qx "package/node_modules/koffi/package.json" <<<"$listing" || fail "koffi is not bundled in $tarball"
npm install --offline --cache "$work/empty-npm-cache" --no-audit --no-fund --loglevel=error "$tarball" >/dev/null \
  || fail "npm install --offline of $tarball failed on a clean cache"
say "npm install --offline on a clean cache"
cp "$HERE/apps/app.js" .
out=$(node app.js)
expect_smoke_output "$out"
loaded=$(node -e "const {Client}=require('paytoken'); Client.nicepay({clientKey:'a',secretKey:'b',baseUrl:'$PAYTOKEN_SIM_URL'});
  const l=require('fs').readFileSync('/proc/self/maps','utf8').split('\n').find((x)=>x.includes('libpaytoken.so'));
  console.log(l.slice(l.indexOf('/')))")
outside_checkout "$loaded"
case "$loaded" in */native/linux-$(uname -m)-gnu/libpaytoken.so) ;; *) fail "loaded $loaded" ;; esac
say "loaded $loaded"

# This platform's library removed: the error names the platforms the package carries.
rm -r "node_modules/paytoken/native/linux-$(uname -m)-gnu"
if err=$(node app.js 2>&1); then fail "ran without its platform's library"; fi
grep -q "no libpaytoken for this platform (linux-$(uname -m)-gnu)" <<<"$err" || fail "unclear error: $err"
grep -q "linux-aarch64-musl" <<<"$err" || fail "the error does not list the platforms: $err"
say "a missing platform says which exist"
