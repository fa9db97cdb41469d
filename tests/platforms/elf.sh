#!/usr/bin/env bash
# Every released library (dist/native/*): the SONAME, NODELETE, a GNU build id, a symbol
# table, exactly the C API of include/paytoken.h as exports, and (glibc builds) no symbol
# version newer than GLIBC_2.17. readelf reads every architecture's ELF files.
. "$(dirname "$0")/lib.sh"
need readelf cc

# The API as declared: preprocess the header (drops comments, which name functions too),
# then take every paytoken_ identifier followed by an opening parenthesis.
expected=$(cc -E -P -x c "$root/include/paytoken.h" | grep -oE '\bpaytoken_[a-z0-9_]+[[:space:]]*\(' |
  tr -d '( \t' | LC_ALL=C sort -u)
count=$(wc -l <<<"$expected")
check "include/paytoken.h declares $count functions (at least 10)" test "$count" -ge 10

newest_glibc() { # the highest GLIBC_x.y version any dynamic symbol needs
  readelf --dyn-syms -W "$1" | grep -oE '@GLIBC_[0-9.]+' | sed 's/@GLIBC_//' | sort -uV | tail -n1
}
at_most() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | tail -n1)" = "$2" ]; }

while read -r platform _ _; do
  so=$root/dist/native/$platform/libpaytoken.so.$version
  if [ ! -f "$so" ]; then bad "$platform: $so missing (run: make dist-native)"; continue; fi
  cmd=$root/dist/native/$platform/paytoken
  check "$platform: the paytoken command is built" test -x "$cmd"
  dynamic=$(readelf -d -W "$so")
  check "$platform: SONAME libpaytoken.so.0" grep -q 'Library soname: \[libpaytoken.so.0\]' <<<"$dynamic"
  check "$platform: NODELETE" grep -qE 'FLAGS_1.*NODELETE' <<<"$dynamic"
  check "$platform: GNU build id" grep -q 'Build ID: [0-9a-f]\{16,\}' < <(readelf -n "$so")
  check "$platform: symbol table kept" grep -q ' \.symtab ' < <(readelf -S -W "$so")
  # Exports: defined (not UND) global or weak dynamic symbols, version suffix removed.
  exported=$(readelf --dyn-syms -W "$so" |
    awk 'NR > 3 && $7 != "UND" && ($5 == "GLOBAL" || $5 == "WEAK") { sub(/@.*/, "", $8); print $8 }' |
    LC_ALL=C sort -u)
  if [ "$exported" = "$expected" ]; then
    ok "$platform: exports exactly the $count functions of paytoken.h"
  else
    bad "$platform: exports differ from paytoken.h (< header, > library):"
    diff <(echo "$expected") <(echo "$exported") | grep '^[<>]' >&2 || true
  fi
  case $platform in
    *-gnu)
      newest=$(newest_glibc "$so")
      check "$platform: newest glibc symbol version ${newest:-none} <= 2.17" at_most "${newest:-0}" 2.17
      newest=$(newest_glibc "$cmd")
      check "$platform: the paytoken command's newest glibc symbol version ${newest:-none} <= 2.17" at_most "${newest:-0}" 2.17
      ;;
    *-musl)
      check "$platform: needs no glibc symbol" test -z "$(newest_glibc "$so")"
      check "$platform: the paytoken command needs no glibc symbol" test -z "$(newest_glibc "$cmd")"
      ;;
  esac
done <<<"$PAYTOKEN_PLATFORMS"
summary
