#!/usr/bin/env bash
# The jar: published into a temporary file repository, resolved by a small Maven project
# with a temporary local repository (plugins and JNA come from this machine's ~/.m2, read
# as a file mirror: offline), then the project's program runs on the resolved class path.
set -euo pipefail
LANG_NAME=java; . "$(dirname "$0")/lib.sh"
work=$SCRATCH/java
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$ROOT/Cargo.toml" | head -1)
jar=$DIST/java/paytoken-java-$version.jar
[ -f "$jar" ] && [ -f "${jar%.jar}.pom" ] || fail "no paytoken-java-$version.jar/.pom in $DIST/java"
listing=$(unzip -Z1 "$jar")
declare -A slots=([linux-x86_64-gnu]=linux-x86-64 [linux-aarch64-gnu]=linux-aarch64
  [linux-x86_64-musl]=io/paytoken/native/linux-x86_64-musl [linux-aarch64-musl]=io/paytoken/native/linux-aarch64-musl)
for platform in "${PLATFORMS[@]}"; do
  grep -qx "${slots[$platform]}/libpaytoken.so" <<<"$listing" || fail "${slots[$platform]}/libpaytoken.so missing from $jar"
  carries_native "$platform" unzip -p "$jar" "${slots[$platform]}/libpaytoken.so"
done

# The released pom is a consumer pom: coordinates and JNA, nothing of the build.
pom=${jar%.jar}.pom
for build_only in '<build>' 'junit' 'antrun' '<profiles>' '<scope>test</scope>' '@VERSION@' '@JNA_VERSION@'; do
  ! grep -q "$build_only" "$pom" || fail "the released pom has $build_only: it is the build pom, not a consumer pom"
done
grep -q "<artifactId>jna</artifactId>" "$pom" || fail "the released pom lacks the JNA dependency"
say "the released pom is a consumer pom"

repo=$work/repo/io/paytoken/paytoken-java/$version
mkdir -p "$repo" "$work/app"
cp "$jar" "$repo/" && cp "${jar%.jar}.pom" "$repo/"
cp -r "$HERE/apps/java/." "$work/app/"
sed -i "s|@PAYTOKEN_REPO@|file://$work/repo|; s|@PAYTOKEN_VERSION@|$version|" "$work/app/pom.xml"
cat >"$work/settings.xml" <<XML
<settings><mirrors><mirror><id>machine-m2</id><mirrorOf>central</mirrorOf>
<url>file://$HOME/.m2/repository</url></mirror></mirrors></settings>
XML

cd "$work/app"
mvn -B -q -ntp -s "$work/settings.xml" -Dmaven.repo.local="$work/m2" -Dstyle.color=never \
  compile org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath -Dmdep.outputFile=cp.txt \
  >"$work/mvn.log" 2>&1 || fail "mvn: $(tail -30 "$work/mvn.log")"
resolved=$(tr ':' '\n' <cp.txt | grep paytoken-java)
[ "$resolved" = "$work/m2/io/paytoken/paytoken-java/$version/paytoken-java-$version.jar" ] ||
  fail "resolved $resolved"
out=$(java -cp "target/classes:$(cat cp.txt)" shop.App)
expect_smoke_output "$out"
# JNA's own log says which copy it loaded: the resolved jar's, under this architecture's prefix.
prefix=linux-$(uname -m | tr _ -)
loaded=$(java -cp "target/classes:$(cat cp.txt)" -Djna.debug_load=true shop.App 2>&1 |
  grep -o "[^ ]*libpaytoken\.so" | grep -m1 "^jar:file:" || true)
case "$loaded" in "jar:file:$work/m2/"*"!/$prefix/libpaytoken.so") ;; *) fail "JNA loaded '${loaded}'" ;; esac
say "resolved $resolved; JNA loaded $loaded"

# The release build fails, naming the file, when a library it must carry is missing.
if (cd "$ROOT/bindings/java" && mvn -B -q -o -ntp -Ppaytoken-dist -Dpaytoken.dist.native="$work/no-libraries" \
    -Dpaytoken.build.directory="$work/build" -DskipTests package) >"$work/missing.log" 2>&1; then
  fail "mvn -Ppaytoken-dist succeeded without the libraries"
fi
grep -q "no-libraries/linux-x86_64-gnu/libpaytoken.so.0.1.0 is missing" "$work/missing.log" ||
  fail "unclear failure: $(grep ERROR "$work/missing.log" | head -5)"
say "the release build fails when a library is missing"

# The Spring Boot starter released beside the jar.
bash "$HERE/java_spring.sh"
