#!/usr/bin/env bash
# The language runtimes the version suites need, installed with apt into the Debian 11 root
# of the platform tests (tests/platforms/debian11.sh): PHP 7.4 (CLI, FPM, mbstring),
# Debian 11's PHPUnit 9.5 and FastCGI client, make, and OpenJDK 11 (a JRE the host runs
# directly: the oldest JVM to be had here). Done once, cached with the root; a marker names
# the list it was installed with. Prints the root's path.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
packages="make php7.4-cli php7.4-fpm php7.4-mbstring phpunit libfcgi-bin composer php7.4-zip unzip openjdk-11-jre-headless"
root=$("$here/../platforms/debian11.sh" root)
marker=$root/.paytoken-versions
installed() { [ "$(cat "$marker" 2>/dev/null)" = "$packages" ]; }
if ! installed; then
  exec 9>"$root/../.debian11-versions.lock"
  flock 9
  if ! installed; then
    echo "versions: installing into the Debian 11 root (once; cached): $packages" >&2
    # shellcheck disable=SC2086 # the list is words
    "$here/../platforms/debian11.sh" run sh -c "apt-get update -q >/dev/null &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $packages >/dev/null &&
      rm -f /var/cache/apt/archives/*.deb" >&2
    echo "$packages" >"$marker"
  fi
  flock -u 9
fi
echo "$root"
