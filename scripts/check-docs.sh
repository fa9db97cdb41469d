#!/usr/bin/env bash
# docs/c-api.md must name every C function declared in include/paytoken.h, every status,
# every config key of the key table (src/config/schema.rs) and every key src/config/*.rs reads and every per-call option of
# src/call/options.rs: a new function or key without documentation fails `make test`.
# The design documents in docs/ must link to each other where the code points to them.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 - <<'PY'
import re, sys

doc = open("docs/c-api.md", encoding="utf-8").read()
header = open("include/paytoken.h", encoding="utf-8").read()
import glob
config = "".join(open(p, encoding="utf-8").read() for p in sorted(glob.glob("src/config/*.rs")) if not p.endswith("schema.rs"))
schema = open("src/config/schema.rs", encoding="utf-8").read()
options = open("src/call/options.rs", encoding="utf-8").read()

# Declarations: a return type, then the name and its opening parenthesis, at a line start.
functions = sorted(set(re.findall(r"^[a-z][\w \*]*?\b(paytoken_\w+)\(", header, re.M)))
statuses = sorted(set(re.findall(r"^\s*(PAYTOKEN_\w+) = \d+", header, re.M)))
# Keys: every string literal of the key tables (`const ..._KEYS: &[&str] = &[...]` or any
# other `KEYS` table) and every key the reader asks for (`reader.xxx("key"...)`).
keys = set()
for table in re.findall(r"KEYS[^=]*=\s*&\[(.*?)\];", config, re.S):
    keys.update(re.findall(r'"([A-Za-z][A-Za-z0-9]*)"', table))
keys.update(re.findall(r'reader\s*\.\s*\w+\(\s*"([A-Za-z][A-Za-z0-9]*)"', config))
# The key table itself: `key("name", ...)` entries of src/config/schema.rs.
keys.update(re.findall(r'\bkey\(\s*"([A-Za-z][A-Za-z0-9]*)"', schema))
option_keys = set()
for table in re.findall(r"KEYS[^=]*=\s*&\[(.*?)\];", options, re.S):
    option_keys.update(re.findall(r'"([A-Za-z][A-Za-z0-9]*)"', table))

missing = []
for name in functions + statuses:
    if not re.search(r"\b%s\b" % re.escape(name), doc):
        missing.append(name)
for key in sorted(keys | option_keys):
    if f"`{key}`" not in doc:
        missing.append(f"config key {key}")

# Guards: if the extraction finds nothing, the check would pass without checking.
if len(functions) < 10 or len(statuses) < 8 or len(keys) < 15 or not option_keys:
    sys.exit(f"check-docs: found only {len(functions)} functions, {len(statuses)} statuses, "
             f"{len(keys)} config keys, {len(option_keys)} options: the extraction is broken")
if missing:
    sys.exit("check-docs: docs/c-api.md does not name: " + ", ".join(missing))
print(f"check-docs: docs/c-api.md names all {len(functions)} functions, {len(statuses)} "
      f"statuses, {len(keys)} config keys and {len(option_keys)} per-call options")
PY
# Code comments and READMEs point to the design documents in docs/, which must exist.
status=0
for ref in $(grep -rhoE '(docs/)?(c-api|token-cache|gateways)\.md' src bindings/*/src README.md 2>/dev/null | sort -u); do
  [ -f "docs/${ref#docs/}" ] || { echo "check-docs: $ref is referenced but docs/${ref#docs/} is missing" >&2; status=1; }
done
exit $status
