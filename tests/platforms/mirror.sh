# The Debian mirror this machine's apt uses, read from its sources at run time (never
# written into the repository). Sourced by the platform scripts.
# shellcheck shell=bash

# host_codename: the Debian release of this machine (bookworm, ...).
host_codename() { (. /etc/os-release && echo "${VERSION_CODENAME:-}"); }

# host_mirror: the first apt source serving the host's own release (deb822 .sources files
# or one-line .list files), without a trailing slash; empty when there is none.
host_mirror() {
  local codename f
  codename=$(host_codename)
  [ -n "$codename" ] || return 0
  {
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -e "$f" ] || continue
      awk -v c="$codename" 'BEGIN { RS = ""; FS = "\n" }
        { uris = ""; ok = 0
          for (i = 1; i <= NF; i++) {
            if ($i ~ /^URIs:/) { uris = $i; sub(/^URIs:[ \t]*/, "", uris) }
            if ($i ~ /^Suites:/) { n = split(substr($i, 8), s, /[ \t]+/); for (j = 1; j <= n; j++) if (s[j] == c) ok = 1 }
          }
          if (ok && uris != "") { split(uris, u, /[ \t]+/); print u[1] } }' "$f"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [ -e "$f" ] || continue
      awk -v c="$codename" '$1 == "deb" { i = 2; if ($i ~ /^\[/) while ($i !~ /\]$/) i++; if ($i ~ /^\[/) i++
                              if ($(i + 1) == c) print $i }' "$f"
    done
  } | head -n1 | sed 's:/*$::'
}
