#!/usr/bin/env bash
# The Java library's suites (mvn verify: JUnit unit tests, then the packaged-jar test) on
# the oldest JVM to be had here: Debian 11's OpenJDK 11, copied out of the Debian 11 root
# (symlinks into its /etc resolved) and run on the host as Surefire's and Failsafe's forked
# JVM. The classes are compiled with release 8 and checked against Java 8's API signature
# (pom.xml, animal-sniffer) in every build. Java 17 (the host's) is `make test-java`.
# No Java 8 runtime can be installed here (no registry serves one).
set -euo pipefail
LANG_NAME=java; . "$(dirname "$0")/lib.sh"

forget oldest
jre=$CACHE/jre11
if [ ! -x "$jre/bin/java" ]; then
  "$VERSIONS/debian11-packages.sh" >/dev/null
  rm -rf "$jre.tmp" && mkdir -p "$CACHE"
  # -L: a copy that works outside the root. Debian links a few files that may not exist
  # (blacklisted.certs): cp reports those and copies everything else.
  "$ROOT/tests/platforms/debian11.sh" run --bind "$CACHE" sh -c \
    "cp -rL /usr/lib/jvm/java-11-openjdk-amd64 '$jre.tmp' 2>/dev/null; test -x '$jre.tmp/bin/java'"
  mv "$jre.tmp" "$jre"
fi
version=$("$jre/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.version = //p')
say "Java $version (Debian 11's OpenJDK): mvn verify"
# Its own build directory: the host build (target/) is not disturbed.
make --no-print-directory -C "$ROOT/bindings/java" test \
  VERSIONS_SLOT= MVN_ARGS="-Dpaytoken.build.directory=$ROOT/bindings/java/target/versions-jdk11 -Djvm=$jre/bin/java"
record oldest "$version" "host, Debian 11's OpenJDK"
