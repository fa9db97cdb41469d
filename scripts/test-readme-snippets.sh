#!/usr/bin/env bash
# Proves that scripts/readme-snippets.py fails on a snippet that fails and skips `norun`:
# a README with one passing, one failing and one norun block must give "1 passed, 1 failed".
set -euo pipefail
cd "$(dirname "$0")/.."
readme=$(mktemp --suffix=.md)
trap 'rm -f "$readme"' EXIT
cat >"$readme" <<'MD'
```python
import paytoken
assert paytoken.Client.nicepay(client_key="S2_...", secret_key="...").token()
```
```sh
exit 3
```
```sh norun
exit 4
```
MD
if out=$(scripts/readme-snippets.py "$readme" 2>&1); then
  echo "test-readme-snippets: a failing snippet did not fail the run:"; echo "$out"; exit 1
fi
if ! grep -q "1 passed, 1 failed" <<<"$out"; then
  echo "test-readme-snippets: expected 1 passed, 1 failed:"; echo "$out"; exit 1
fi
grep -q ": 2 blocks ran (1 passed, 1 failed), 1 norun, 0 not code" <<<"$out" ||
  { echo "test-readme-snippets: no per-README count:"; echo "$out"; exit 1; }

# A worked example marked norun fails the run (norun is for installation commands), even one
# that needs a framework (its framework's suite runs it: see the spring and laravel-file cases).
cat >"$readme" <<'MD'
```sh
true
```
```python norun
print("an example nobody runs")
```
```php norun
Route::get('/health', fn () => 'ok');
```
MD
if out=$(scripts/readme-snippets.py "$readme" 2>&1); then
  echo "test-readme-snippets: a norun code example did not fail the run:"; echo "$out"; exit 1
fi
grep -q "^NORUN .*:4: a code example marked norun" <<<"$out" && grep -q "^NORUN .*:7: a code example marked norun" <<<"$out" &&
  grep -q "2 norun, 0 not code" <<<"$out" ||
  { echo "test-readme-snippets: the norun example was not reported:"; echo "$out"; exit 1; }

# A block that needs a framework is left to that framework's suite, which reads one README:
# ```java spring (make test-spring, the Java README), ```php laravel-file=PATH (make test-php,
# the PHP README). There it is not run (these would not even compile), listed and counted as
# run by that suite, not as norun. In any other README nobody runs it: failed.
frameworks=$(mktemp -d)
trap 'rm -f "$readme"; rm -rf "$frameworks"' EXIT
# framework_block BINDING LANG FENCE_WORDS TARGET CODE
framework_block() {
  local binding=$1 lang=$2 words=$3 target=$4 code=$5 own="$frameworks/bindings/$1/README.md"
  mkdir -p "$(dirname "$own")"
  printf '```sh\ntrue\n```\n```%s %s\n%s\n```\n' "$lang" "$words" "$code" >"$own"
  out=$(scripts/readme-snippets.py "$own" 2>&1) ||
    { echo "test-readme-snippets: a $lang $words block failed the run:"; echo "$out"; exit 1; }
  grep -q "^there  .*:4 ($lang): run by $target" <<<"$out" &&
    grep -q ": 1 blocks ran (1 passed, 0 failed), 1 run by $target, 0 norun, 0 not code" <<<"$out" ||
    { echo "test-readme-snippets: the $lang $words block was not counted as run by $target:"; echo "$out"; exit 1; }
  cp "$own" "$readme"
  if out=$(scripts/readme-snippets.py "$readme" 2>&1); then
    echo "test-readme-snippets: a $lang $words block outside the $binding README passed:"; echo "$out"; exit 1
  fi
  grep -q "^FAILED .*:4 ($lang): $target runs only bindings/$binding/README.md's blocks" <<<"$out" ||
    { echo "test-readme-snippets: the stray $lang $words block was not reported:"; echo "$out"; exit 1; }
}
framework_block java java spring "make test-spring" "@Service public class Broken { this is not Java }"
framework_block php php laravel-file=routes/web.php "make test-php" "<?php Route::get('/health', fn () => 'ok') this is not PHP"
echo "test-readme-snippets: a failing snippet fails the run, a norun block is skipped and counted," \
  "a norun code example fails, java spring and php laravel-file blocks are left to their framework's" \
  "suite (only the Java and PHP READMEs')"
