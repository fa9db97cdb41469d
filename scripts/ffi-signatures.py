#!/usr/bin/env python3
"""Every C function of include/paytoken_ffi.h as JSON: the one parser of the header that
the bindings' drift tests share (Python tests/test_c_declarations.py, Node
test/c-declarations.test.js, Java CDeclarationsTest). Each test turns its own
declarations into the same type shapes and compares; so a signature changed in the
header, or a function added to it, cannot go unnoticed by a binding that copies it.

    scripts/ffi-signatures.py [HEADER]      (default: include/paytoken_ffi.h, or
                                             $PAYTOKEN_FFI_HEADER when set)

Output: {"functions": [{"name", "returns", "args": [{"name", "type"}]}],
         "callbacks": {typedef name: {"returns", "args"}}}
A type is a shape, the same in every language's test:
    {"kind": "void"} | {"kind": "int", "bytes": N, "signed": bool}
    {"kind": "byte"}                      char, uint8_t (1-byte data, text or binary)
    {"kind": "struct", "name": "paytoken_client"}
    {"kind": "ptr", "to": TYPE}           const is dropped: it does not change the ABI
    {"kind": "fn", "name": "paytoken_callback"}
The header is cbindgen's output (no preprocessor lines, one prototype per declaration),
so a small tokenizer is enough; a declaration it cannot read is an error, not a skip.
"""

import json
import os
import re
import sys
from pathlib import Path

INTS = {
    "int8_t": (1, True), "int16_t": (2, True), "int32_t": (4, True), "int64_t": (8, True),
    "uint16_t": (2, False), "uint32_t": (4, False), "uint64_t": (8, False),
    "size_t": (8, False), "uintptr_t": (8, False), "intptr_t": (8, True),
}
BYTES = {"char", "uint8_t"}


def strip_comments(text):
    return re.sub(r"/\*.*?\*/", " ", text, flags=re.S)


def parse_type(tokens, structs, callbacks):
    """A type from its tokens ('const', 'struct', names and '*'), as a shape."""
    words = [t for t in tokens if t not in ("const", "struct")]
    stars = words.count("*")
    base = [w for w in words if w != "*"]
    if len(base) != 1:
        raise ValueError(f"cannot read the type {' '.join(tokens)!r}")
    name = base[0]
    if name == "void":
        shape = {"kind": "void"}
    elif name in BYTES:
        shape = {"kind": "byte"}
    elif name in INTS:
        size, signed = INTS[name]
        shape = {"kind": "int", "bytes": size, "signed": signed}
    elif name in structs:
        shape = {"kind": "struct", "name": name}
    elif name in callbacks:
        shape = {"kind": "fn", "name": name}
    elif name == "paytoken_status":  # a C enum: int-sized
        shape = {"kind": "int", "bytes": 4, "signed": True}
    else:
        raise ValueError(f"unknown type {name!r} in {' '.join(tokens)!r}")
    for _ in range(stars):
        shape = {"kind": "ptr", "to": shape}
    return shape


def tokenize(text):
    return re.findall(r"[A-Za-z_]\w*|\*", text)


def parse_params(params, structs, callbacks):
    params = params.strip()
    if params in ("", "void"):
        return []
    args = []
    for param in params.split(","):
        tokens = tokenize(param)
        if len(tokens) < 2:
            raise ValueError(f"a parameter without a name: {param.strip()!r}")
        args.append({"name": tokens[-1], "type": parse_type(tokens[:-1], structs, callbacks)})
    return args


def parse(text):
    text = strip_comments(text)
    structs = set(re.findall(r"typedef struct (\w+)", text))
    callbacks = {}
    functions = []
    # Declarations end at ';' outside braces: drop struct/enum bodies first.
    flat = re.sub(r"\{[^{}]*\}", " ", text)
    for decl in flat.split(";"):
        decl = " ".join(decl.split())
        if not decl:
            continue
        pointer = re.fullmatch(r"typedef (.+?)\(\s*\*\s*(\w+)\s*\)\s*\((.*)\)", decl)
        if pointer:
            returns, name, params = pointer.groups()
            callbacks[name] = None
            callbacks[name] = {"returns": parse_type(tokenize(returns), structs, callbacks),
                               "args": parse_params(params, structs, callbacks)}
            continue
        if decl.startswith("typedef"):
            continue
        function = re.fullmatch(r"(.+?)\b(paytoken_\w+)\s*\((.*)\)", decl)
        if not function:
            raise ValueError(f"cannot read the declaration {decl!r}")
        returns, name, params = function.groups()
        functions.append({"name": name,
                          "returns": parse_type(tokenize(returns), structs, callbacks),
                          "args": parse_params(params, structs, callbacks)})
    if not functions:
        raise ValueError("no paytoken_ function found")
    return {"functions": functions, "callbacks": callbacks}


def main():
    default = Path(__file__).resolve().parent.parent / "include" / "paytoken_ffi.h"
    header = Path(sys.argv[1] if len(sys.argv) > 1
                  else os.environ.get("PAYTOKEN_FFI_HEADER") or default)
    try:
        result = parse(header.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        sys.exit(f"ffi-signatures: {header}: {exc}")
    json.dump(result, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
