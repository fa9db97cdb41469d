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
echo "test-readme-snippets: a failing snippet fails the run, a norun block is skipped"
