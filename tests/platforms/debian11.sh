#!/usr/bin/env bash
# A Debian 11 (bullseye, glibc 2.31) root for running released artefacts on an older system.
#
#   tests/platforms/debian11.sh root                    make sure the root exists; print its path
#   tests/platforms/debian11.sh run [--bind DIR]... CMD [ARG...]
#                                                       run CMD inside it (as root, via chroot)
#
# The root is made once with debootstrap (minbase, plus python3 and venv for the wheel smoke test) and
# cached in ~/.cache/paytoken/debian11-root; it is rebuilt only when missing or broken.
# --bind DIR mounts the host's DIR at the same path inside the root, so a test can run files
# from its own temporary directory. Mounts live in a private mount namespace and vanish with
# the command. Loopback is shared with the host: a simulator started on the host is reachable.
# The mirror is read from this machine's apt sources at run time.
set -euo pipefail
cache=${PAYTOKEN_CACHE:-$HOME/.cache/paytoken}
root=$cache/debian11-root
suite=bullseye
# python3-venv: `python3 -m venv` with pip (ensurepip), so a wheel installs as users install it.
packages=python3,python3-venv,ca-certificates

die() { echo "debian11: $*" >&2; exit 1; }

# shellcheck source=tests/platforms/mirror.sh
. "$(dirname "$0")/mirror.sh"

# Complete (the marker names the package list it was made with) and able to run python3.
healthy() {
  [ "$(cat "$root/.paytoken-complete" 2>/dev/null)" = "$packages" ] &&
    chroot "$root" /usr/bin/python3 -c 'import ssl, ensurepip, venv' >/dev/null 2>&1
}

ensure_root() {
  healthy && return 0
  command -v debootstrap >/dev/null || "$(dirname "$0")/../../scripts/apt-install.sh" debootstrap
  mkdir -p "$cache"
  exec 9>"$cache/.debian11.lock"
  flock 9                               # another suite may be building it right now
  if ! healthy; then
    local mirror
    mirror=$(host_mirror)
    [ -n "$mirror" ] || die "no Debian mirror found in /etc/apt/sources*"
    echo "debian11: building the root in $root (once; cached)" >&2
    rm -rf "$root"
    local start=$SECONDS
    if ! debootstrap --variant=minbase --include="$packages" "$suite" "$root" "$mirror" \
      >"$cache/debian11-debootstrap.log" 2>&1; then
      tail -n 20 "$cache/debian11-debootstrap.log" >&2
      die "debootstrap failed (log: $cache/debian11-debootstrap.log)"
    fi
    rm -f "$root"/var/cache/apt/archives/*.deb   # the root is cached: keep it small
    echo "$packages" >"$root/.paytoken-complete"
    healthy || die "the new root does not run python3"
    echo "debian11: root built in $((SECONDS - start))s" >&2
  fi
  flock -u 9
}

cmd=${1:-}
shift || true
case $cmd in
  root)
    ensure_root
    echo "$root"
    ;;
  run)
    ensure_root
    binds=()
    while [ "${1:-}" = "--bind" ]; do binds+=("$(cd "$2" && pwd)"); shift 2; done
    [ $# -gt 0 ] || die "run: no command"
    # The script inside the private namespace gets the root, the binds and the command as
    # arguments; "--" separates the binds from the command.
    exec unshare --mount --propagation private -- bash -c '
      set -e
      root=$1; shift
      mount -t proc proc "$root/proc"
      mount --rbind /dev "$root/dev"
      while [ "$1" != "--" ]; do mkdir -p "$root$1"; mount --bind "$1" "$root$1"; shift; done
      shift
      exec chroot "$root" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root \
        ${PAYTOKEN_SIM_URL:+PAYTOKEN_SIM_URL=$PAYTOKEN_SIM_URL} "$@"
    ' debian11-run "$root" "${binds[@]}" -- "$@"
    ;;
  *)
    echo "usage: $0 root | run [--bind DIR]... CMD [ARG...]" >&2
    exit 2
    ;;
esac
