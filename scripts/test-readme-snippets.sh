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

# A ```java spring block of the Java README is left to the Spring Boot starter's suite (make
# test-spring, which reads that README): not run here (this one would not even compile),
# listed and counted as run there, not as norun. In any other README nobody runs it: failed.
spring=$(mktemp -d)
trap 'rm -f "$readme"; rm -rf "$spring"' EXIT
mkdir -p "$spring/bindings/java"
cat >"$spring/bindings/java/README.md" <<'MD'
```sh
true
```
```java spring
@Service public class Broken { this is not Java }
```
MD
out=$(scripts/readme-snippets.py "$spring/bindings/java/README.md" 2>&1) ||
  { echo "test-readme-snippets: a java spring block failed the run:"; echo "$out"; exit 1; }
grep -q "^there  .*:4 (java): run by make test-spring" <<<"$out" &&
  grep -q ": 1 blocks ran (1 passed, 0 failed), 1 run by make test-spring, 0 norun, 0 not code" <<<"$out" ||
  { echo "test-readme-snippets: the java spring block was not counted as run by make test-spring:"; echo "$out"; exit 1; }
cp "$spring/bindings/java/README.md" "$readme"
if out=$(scripts/readme-snippets.py "$readme" 2>&1); then
  echo "test-readme-snippets: a java spring block outside the Java README passed:"; echo "$out"; exit 1
fi
grep -q "^FAILED .*:4 (java): make test-spring runs only bindings/java/README.md's blocks" <<<"$out" ||
  { echo "test-readme-snippets: the stray java spring block was not reported:"; echo "$out"; exit 1; }
# The same for a ```php laravel-file=PATH block: left to LaravelAppTest (make test-php), which
# reads the PHP README only; anywhere else nobody runs it.
mkdir -p "$spring/bindings/php"
cat >"$spring/bindings/php/README.md" <<'MD'
```sh
true
```
```php laravel-file=routes/web.php
<?php Route::get('/health', fn () => 'ok') this is not PHP
```
MD
out=$(scripts/readme-snippets.py "$spring/bindings/php/README.md" 2>&1) ||
  { echo "test-readme-snippets: a php laravel-file block failed the run:"; echo "$out"; exit 1; }
grep -q "^there  .*:4 (php): run by make test-php" <<<"$out" &&
  grep -q ": 1 blocks ran (1 passed, 0 failed), 1 run by make test-php, 0 norun, 0 not code" <<<"$out" ||
  { echo "test-readme-snippets: the php laravel-file block was not counted as run by make test-php:"; echo "$out"; exit 1; }
cp "$spring/bindings/php/README.md" "$readme"
if out=$(scripts/readme-snippets.py "$readme" 2>&1); then
  echo "test-readme-snippets: a php laravel-file block outside the PHP README passed:"; echo "$out"; exit 1
fi
grep -q "^FAILED .*:4 (php): make test-php runs only bindings/php/README.md's blocks" <<<"$out" ||
  { echo "test-readme-snippets: the stray php laravel-file block was not reported:"; echo "$out"; exit 1; }
echo "test-readme-snippets: a failing snippet fails the run, a norun block is skipped and counted," \
  "a norun code example fails, java spring and php laravel-file blocks are left to their framework's" \
  "suite (only the Java and PHP READMEs')"
