#!/usr/bin/env bash
# Proves that each binding's declaration test (Python tests/test_c_declarations.py, Node
# test/c-declarations.test.js, Java CDeclarationsTest) cannot pass by accident. In a
# throw-away copy of the header and the binding, each test must pass as is, and fail
#   - when a declaration in the binding changed (an argument more; Java: a return type),
#   - when a signature in the header changed (one argument more; the argument type of a
#     callback the binding declares: Python the log callback, Java the completion callback;
#     Node declares none, and must not fail on those changes),
#   - when the header gained a function the binding neither declares nor lists as unused.
# Arguments: the languages to prove (python node java; default all three).
# Needs `make lib` and the bindings' deps (`make deps`, or deps-python deps-node deps-java).
set -euo pipefail
languages=" ${*:-python node java} "
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/paytoken-declarations.XXXXXX")
trap 'rm -rf "$work"' EXIT
export PAYTOKEN_LIB="$repo/target/release/libpaytoken.so"
[ -f "$PAYTOKEN_LIB" ] || { echo "$PAYTOKEN_LIB is missing: run make lib" >&2; exit 1; }

# The copy keeps the repository's layout: each test finds ../../scripts/ffi-signatures.py.
mkdir -p "$work/scripts" "$work/include" "$work/bindings"
cp "$repo/scripts/ffi-signatures.py" "$work/scripts/"
cp "$repo/include/paytoken_ffi.h" "$work/include/"
header="$work/include/paytoken_ffi.h"

# Header variants, each one change away from the real one.
sed 's/paytoken_response_status(const struct paytoken_response \*response)/paytoken_response_status(const struct paytoken_response *response, int32_t extra)/' \
  "$header" >"$work/changed-signature.h"
sed '/typedef void (\*paytoken_callback)/,/;/s/int32_t status/int64_t status/' "$header" >"$work/changed-callback.h"
sed '/typedef void (\*paytoken_log_fn)/s/int32_t level/int64_t level/' "$header" >"$work/changed-log-callback.h"
{ cat "$header"; echo 'int32_t paytoken_declarations_probe(const struct paytoken_client *client);'; } >"$work/new-function.h"
for variant in changed-signature changed-callback changed-log-callback; do
  if cmp -s "$header" "$work/$variant.h"; then echo "test-binding-declarations: the $variant edit matched nothing" >&2; exit 1; fi
done

passed=0 failed=0
expect() { # expect pass|fail:REASON LANGUAGE DESCRIPTION COMMAND...
  # A failure counts only if the test's message names REASON (not, say, a compile error).
  local want=${1%%:*} reason=${1#*:} lang=$2 what=$3 got=pass
  shift 3
  "$@" >"$work/log" 2>&1 || got=fail
  if [ "$got" = fail ] && ! grep -qF -- "$reason" "$work/log"; then got="fail for another reason"; fi
  if [ "$got" = "$want" ]; then
    passed=$((passed + 1)); echo "ok: $lang, $what -> $want (as it should)"
  else
    failed=$((failed + 1)); echo "FAILED: $lang, $what -> should $want, did $got"; tail -40 "$work/log"
  fi
}
# Runs the language's test against each header variant, then against a binding with one
# declaration changed by `sed -i EXPR FILE` (the test must fail naming REASON).
# CALLBACK: the header variant that changes a callback type this binding declares, and the
# words its failure must name ("VARIANT:WORDS"); or "none:WHY" for a binding that declares
# no callback type (it passes NULL only): then the changed types must not fail it.
prove() { # prove LANGUAGE FILE SED-EXPR REASON CALLBACK COMMAND...
  local lang=$1 file=$2 edit=$3 reason=$4 callback=$5
  shift 5
  expect pass "$lang" "as committed" "$@"
  expect "fail:paytoken_response_status: 1 arguments here, 2 in the header" "$lang" "header: a changed signature" \
    env PAYTOKEN_FFI_HEADER="$work/changed-signature.h" "$@"
  if [ "${callback%%:*}" = none ]; then
    for variant in changed-callback changed-log-callback; do
      expect pass "$lang" "header: $variant (${callback#*:})" env PAYTOKEN_FFI_HEADER="$work/$variant.h" "$@"
    done
  else
    expect "fail:${callback#*:}" "$lang" "header: a changed callback type" \
      env PAYTOKEN_FFI_HEADER="$work/${callback%%:*}.h" "$@"
  fi
  expect "fail:paytoken_declarations_probe" "$lang" "header: a new function" \
    env PAYTOKEN_FFI_HEADER="$work/new-function.h" "$@"
  cp "$file" "$work/saved"
  sed -i "$edit" "$file"
  if cmp -s "$file" "$work/saved"; then echo "test-binding-declarations: the $lang edit matched nothing" >&2; exit 1; fi
  expect "fail:$reason" "$lang" "binding: a changed declaration" "$@"
  cp "$work/saved" "$file"
}

# Python: the copied sources come first on the path (before the venv's installed copy).
if [[ $languages == *" python "* ]]; then
py="$work/bindings/python"
mkdir -p "$py" && cp -r "$repo/bindings/python/src" "$repo/bindings/python/tests" "$py/"
cd "$py"
prove Python "$py/src/paytoken/_native.py" \
  's/"paytoken_response_status": (c_int32, \[ResponsePtr\])/"paytoken_response_status": (c_int32, [ResponsePtr, c_int32])/' \
  "paytoken_response_status: 2 arguments here, 1 in the header" \
  "changed-log-callback:(callback) is paytoken_log_fn in the header" \
  env PYTHONPATH="$py/src" "$repo/bindings/python/.venv/bin/python" -m pytest -q -p no:cacheprovider \
  tests/test_c_declarations.py
fi

# Node: the package's lib/ and test/ with its installed node_modules.
if [[ $languages == *" node "* ]]; then
node_dir="$work/bindings/node"
mkdir -p "$node_dir" && cp -r "$repo/bindings/node/lib" "$repo/bindings/node/test" "$repo/bindings/node/package.json" "$node_dir/"
ln -s "$repo/bindings/node/node_modules" "$node_dir/node_modules"
cd "$node_dir"
prove Node "$node_dir/lib/native.js" \
  "s/fn('paytoken_response_status', 'int32_t', \[ResponsePtr\])/fn('paytoken_response_status', 'int32_t', [ResponsePtr, 'int32_t'])/" \
  "paytoken_response_status: 2 arguments here, 1 in the header" \
  "none:Node passes NULL callbacks only; completions come through the queue" \
  node --test test/c-declarations.test.js
fi

# Java: Maven offline (make deps-java filled its repository), against the host library. The
# changed declaration must still compile: a return type its callers ignore.
if [[ $languages == *" java "* ]]; then
java_dir="$work/bindings/java"
mkdir -p "$java_dir" && cp -r "$repo/bindings/java/pom.xml" "$repo/bindings/java/src" "$java_dir/"
[ -d "$repo/bindings/java/.mvn" ] && cp -r "$repo/bindings/java/.mvn" "$java_dir/"
cd "$java_dir"
prove Java "$java_dir/src/main/java/io/paytoken/NativeLib.java" \
  's/static native void paytoken_client_free(Pointer client);/static native int paytoken_client_free(Pointer client);/' \
  "paytoken_client_free: returns void in the header, int here" \
  "changed-callback:(cb) is paytoken_callback in the header" \
  mvn -B -ntp -q -o -Dstyle.color=never -Dpaytoken.native.dir="$repo/target/release" \
  test -Dtest=CDeclarationsTest -Dsurefire.failIfNoSpecifiedTests=false
fi

echo "test-binding-declarations: $passed passed, $failed failed"
[ "$failed" = 0 ]
