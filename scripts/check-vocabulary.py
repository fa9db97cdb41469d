#!/usr/bin/env python3
"""Checks README.md's vocabulary table (issue 21) against the code: every name in a
language's column must exist in that language's public source, so a binding that renames
or drops a name fails `make test-docs` until the table (and its users) follow.

A cell's names are its `backticked` parts; each identifier in them (`get($path,
$options)` gives get, path, options) must occur as a whole word in the column's sources.
Units in parentheses after the backticks and "—" (no such name) are not checked.

Usage: scripts/check-vocabulary.py [README]   exits 1 naming every missing name.
Prove it fails: scripts/check-vocabulary.py --self-test (renames one name in a copy).
"""
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCES = {
    "C": ["include/paytoken_ffi.h", "docs/c-api.md"],
    "command": ["src/bin/paytoken/*.rs", "docs/c-api.md"],
    "Python": ["bindings/python/src/paytoken/*.py"],
    "PHP": ["bindings/php/src/*.php", "bindings/php/src/*/*.php"],
    "Node": ["bindings/node/index.d.ts"],
    "Java": ["bindings/java/src/main/java/io/paytoken/*.java"],
}
# Words of the table's own prose inside backticks, not API names.
NOT_NAMES = {"in", "options_json", "String", "Map", "int", "boolean", "long", "Duration"}


def table(readme):
    text = open(readme, encoding="utf-8").read()
    try:
        body = text.split("<!-- vocabulary:start -->", 1)[1].split("<!-- vocabulary:end -->", 1)[0]
    except IndexError:
        sys.exit(f"{readme}: no vocabulary table (<!-- vocabulary:start --> ... end)")
    rows = [[c.strip() for c in line.strip().strip("|").split("|")]
            for line in body.strip().splitlines() if line.startswith("|")]
    header, rows = rows[0], [r for r in rows[2:]]
    return header, rows


def words(path_globs):
    found = set()
    for pattern in path_globs:
        paths = glob.glob(os.path.join(ROOT, pattern))
        if not paths:
            sys.exit(f"check-vocabulary: no file matches {pattern}")
        for path in paths:
            found.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", open(path, encoding="utf-8").read()))
    return found


def missing_names(readme):
    header, rows = table(readme)
    vocab = {lang: words(globs) for lang, globs in SOURCES.items()}
    problems = []
    for row in rows:
        if len(row) != len(header):
            problems.append(f"row {row[0]!r} has {len(row)} cells, the header {len(header)}")
            continue
        for lang, cell in zip(header[1:], row[1:]):
            for code in re.findall(r"`([^`]+)`", cell):
                for name in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", code):
                    if name not in NOT_NAMES and name not in vocab[lang]:
                        problems.append(f"{lang}: {name!r} ({row[0]}) is not in {', '.join(SOURCES[lang])}")
    return rows, problems


def main():
    if sys.argv[1:] == ["--self-test"]:
        import tempfile
        text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
        broken = text.replace("`token_fetches`", "`token_fetchez`", 1)
        with tempfile.NamedTemporaryFile("w", suffix=".md", delete=False) as f:
            f.write(broken)
        _, problems = missing_names(f.name)
        os.unlink(f.name)
        ok = any("token_fetchez" in p for p in problems)
        print("check-vocabulary self-test:", "the renamed name is caught" if ok else "NOT CAUGHT")
        return 0 if ok else 1
    readme = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "README.md")
    rows, problems = missing_names(readme)
    for problem in problems:
        print(problem)
    print(f"check-vocabulary: {len(rows)} concepts, {len(problems)} missing names")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
